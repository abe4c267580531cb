import { ClaimError } from '../../src/errors.js';
import { checkClaims } from '../../src/claims/check-claims.js';
import { ClaimMismatchError } from '../../src/claims/mismatches.js';
import { resolveProfile } from '../../src/profiles/profile.js';
import type { CheckSettings } from '../../src/settings.js';
import {
  CLIENT_ID,
  TENANT,
  V1_ISSUER,
  V1_KEYS,
  V2_ISSUER,
  V2_KEYS,
  checkSettings,
  contextFor,
  entraInputs,
  fakeNetwork,
  mint,
  signingKey,
  v1Claims,
  v2Claims,
  type SigningKey,
} from './fixtures.js';

let key: SigningKey;
let other: SigningKey;

beforeAll(async () => {
  key = await signingKey('key-1');
  other = await signingKey('key-2');
});

async function check(token: string, settings: CheckSettings, routes: Record<string, unknown>) {
  const network = fakeNetwork(routes);
  const context = contextFor(network.transport);
  const profile = await resolveProfile(settings, context);
  const run = checkClaims(token, settings, profile, context);
  return { run, requests: network.requests };
}

async function failure(promise: Promise<unknown>): Promise<ClaimError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ClaimError) return error;
    throw error;
  }
  throw new Error('the check passed');
}

const jwks = () => ({ keys: [key.jwk] });

describe('checkClaims with Entra', () => {
  it('passes a v1 token for the default scope, fetching only the v1 key set, once', async () => {
    const token = await mint(key, v1Claims);
    const { run, requests } = await check(token, checkSettings(entraInputs), { [V1_KEYS]: jwks() });
    const result = await run;
    expect(result.expected).toMatchObject({
      issuer: V1_ISSUER,
      audience: `api://${CLIENT_ID}`,
      applicationIdClaim: 'appid',
      allowedApplicationIds: [CLIENT_ID],
    });
    expect(requests).toEqual([`GET ${V1_KEYS}`]);
  });

  it(
    'passes a v2 token with aud the client ID and ' + 'the calling app in azp, from the v2 key set',
    async () => {
      const token = await mint(key, v2Claims);
      const { run, requests } = await check(token, checkSettings(entraInputs), {
        [V2_KEYS]: jwks(),
      });
      expect((await run).expected).toMatchObject({
        issuer: V2_ISSUER,
        audience: CLIENT_ID,
        applicationIdClaim: 'azp',
      });
      expect(requests).toEqual([`GET ${V2_KEYS}`]);
    },
  );

  it(
    'explains a v1 token checked against a v2 ' + 'issuer by the resource app token version',
    async () => {
      const token = await mint(key, v1Claims);
      const settings = checkSettings({
        ...entraInputs,
        'expected-issuer': V2_ISSUER,
        'expected-audience': `api://${CLIENT_ID}`,
      });
      const { run } = await check(token, settings, { [V1_KEYS]: jwks() });
      const error = (await failure(run)) as ClaimMismatchError;
      expect(error.mismatches.map((m) => m.claim)).toEqual(['iss', 'azp']);
      expect(error.mismatches[1]?.cause).toContain(
        'names the calling app in appid, as Entra v1 tokens do',
      );
      expect(error.message).toContain(
        `Claim iss: found "${V1_ISSUER}", expected "${V2_ISSUER}". This is an Entra v1 token`,
      );
      expect(error.message).toContain("resource app's requested access token version");
    },
  );

  it(
    'explains a v2 token checked against a v1 ' + 'issuer by the resource app token version',
    async () => {
      const token = await mint(key, v2Claims);
      const settings = checkSettings({
        ...entraInputs,
        'expected-issuer': V1_ISSUER,
        'expected-audience': CLIENT_ID,
      });
      const { run } = await check(token, settings, { [V2_KEYS]: jwks() });
      const error = (await failure(run)) as ClaimMismatchError;
      expect(error.mismatches[0]?.cause).toMatch(/^This is an Entra v2 token/);
      expect(error.mismatches[0]?.fix).toContain('set the version to 1');
    },
  );

  it('explains aud api://{id} against a configuration holding the bare client ID', async () => {
    const token = await mint(key, v1Claims);
    const settings = checkSettings({ ...entraInputs, 'expected-audience': CLIENT_ID });
    const { run } = await check(token, settings, { [V1_KEYS]: jwks() });
    const error = await failure(run);
    expect(error.claim).toBe('aud');
    expect(error.message).toBe(
      `Claim aud: found "api://${CLIENT_ID}", expected "${CLIENT_ID}". The token carries the ` +
        'Application ID URI as aud, which is what a v1 token requested with scope ' +
        `api://${CLIENT_ID}/.default ` +
        'carries; the configuration holds the bare client ID, which only v2 tokens carry. ' +
        'Fix: enter ' +
        `"api://${CLIENT_ID}" as the audience in Corgea, or set the resource app's requested ` +
        'access token version (requestedAccessTokenVersion in the API settings, ' +
        'accessTokenAcceptedVersion in the manifest) to 2 so that aud becomes the client ID ' +
        '(the issuer changes to the v2 one too).',
    );
  });

  it('explains aud the bare client ID against a configuration holding api://{id}', async () => {
    const token = await mint(key, v2Claims);
    const settings = checkSettings({ ...entraInputs, 'expected-audience': `api://${CLIENT_ID}` });
    const { run } = await check(token, settings, { [V2_KEYS]: jwks() });
    const error = await failure(run);
    expect(error.claim).toBe('aud');
    expect(error.message).toContain(
      'The token carries the bare client ID as aud, as every v2 token does',
    );
  });

  it(
    'explains a v2 token, calling app in azp, ' + "against the v1 configuration of Corgea's guide",
    async () => {
      const token = await mint(key, v2Claims);
      const settings = checkSettings({
        ...entraInputs,
        'expected-issuer': V1_ISSUER,
        'expected-audience': `api://${CLIENT_ID}`,
      });
      const { run } = await check(token, settings, { [V2_KEYS]: jwks() });
      const error = (await failure(run)) as ClaimMismatchError;
      expect(error.mismatches.map((m) => m.claim)).toEqual(['iss', 'aud', 'appid']);
      const appid = error.mismatches[2];
      expect(appid).toMatchObject({ found: '(absent)', expected: `"${CLIENT_ID}"` });
      expect(appid?.cause).toContain(
        'names the calling app in azp, as Entra v2 tokens do, ' +
          'while the configuration expects appid semantics',
      );
      expect(error.message).toMatch(
        /^The token differs from the Corgea JWT-auth configuration in 3 claims:\n- Claim iss: /,
      );
    },
  );

  it('refuses a calling app that is not among the allowed application IDs', async () => {
    const token = await mint(key, v1Claims);
    const settings = checkSettings({
      ...entraInputs,
      'allowed-application-ids': '\r\n  aaaa-1 \r\n\r\nbbbb-2\r\n',
    });
    const { run } = await check(token, settings, { [V1_KEYS]: jwks() });
    const error = await failure(run);
    expect(error.message).toContain(
      `Claim appid: found "${CLIENT_ID}", expected one of "aaaa-1", "bbbb-2".`,
    );
  });

  it('refuses an expired token beyond the 60 s allowance and accepts one within it', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await mint(key, {
      ...v1Claims,
      iat: now - 7200,
      nbf: now - 7200,
      exp: now - 600,
    });
    const { run } = await check(expired, checkSettings(entraInputs), { [V1_KEYS]: jwks() });
    const error = await failure(run);
    expect(error.claim).toBe('exp');
    expect(error.message).toMatch(
      /^Claim exp: found .* s ago\), expected a time after now, .*The token has expired\./,
    );

    const justExpired = await mint(key, { ...v1Claims, exp: now - 5 });
    await expect(
      (await check(justExpired, checkSettings(entraInputs), { [V1_KEYS]: jwks() })).run,
    ).resolves.toBeDefined();
  });

  it('refuses a token that is not valid yet', async () => {
    const now = Math.floor(Date.now() / 1000);
    const early = await mint(key, { ...v1Claims, nbf: now + 900 });
    const { run } = await check(early, checkSettings(entraInputs), { [V1_KEYS]: jwks() });
    const error = await failure(run);
    expect(error.claim).toBe('nbf');
    expect(error.message).toContain('The token is not valid yet');
  });

  it(
    'refuses a token signed by a key the issuer ' + 'does not publish, after exactly one refetch',
    async () => {
      const token = await mint(other, v1Claims);
      const { run, requests } = await check(token, checkSettings(entraInputs), {
        [V1_KEYS]: jwks(),
      });
      const error = await failure(run);
      expect(error.claim).toBe('kid');
      expect(error.message).toContain(
        'signed with key ID "key-2", which the issuer does not publish at ' +
          `login.microsoftonline.com/${TENANT}/discovery/keys`,
      );
      expect(requests).toEqual([`GET ${V1_KEYS}`, `GET ${V1_KEYS}`]);
    },
  );

  it('finds a key rotated in since the first fetch with its one refetch', async () => {
    const token = await mint(other, v1Claims);
    const sets = [{ keys: [key.jwk] }, { keys: [key.jwk, other.jwk] }];
    const { run, requests } = await check(token, checkSettings(entraInputs), {
      [V1_KEYS]: () => sets.shift(),
    });
    await expect(run).resolves.toBeDefined();
    expect(requests).toHaveLength(2);
  });

  it('refuses a signature made by another key under a published key ID', async () => {
    const forged = await mint({ ...other, kid: 'key-1' }, v1Claims);
    const { run } = await check(forged, checkSettings(entraInputs), { [V1_KEYS]: jwks() });
    const error = await failure(run);
    expect(error.claim).toBe('signature');
    expect(error.message).toContain('signature does not verify against the key "key-1"');
  });

  it('refuses alg none with its own message, without fetching keys', async () => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${part({ alg: 'none', typ: 'JWT' })}.${part(v1Claims)}.`;
    const { run, requests } = await check(unsigned, checkSettings(entraInputs), {
      [V1_KEYS]: jwks(),
    });
    const error = await failure(run);
    expect(error.message).toMatch(/^The token is unsigned \(alg "none"\)/);
    expect(requests).toEqual([]);
  });

  it('refuses an HMAC-signed token with its own message', async () => {
    const { SignJWT } = await import('jose');
    const hmac = await new SignJWT(v1Claims)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('a shared secret of enough length!!'));
    const { run } = await check(hmac, checkSettings(entraInputs), { [V1_KEYS]: jwks() });
    expect((await failure(run)).message).toMatch(
      /^The token is signed with HS256, an HMAC shared secret/,
    );
  });

  it('refuses an opaque token as not a JWT', async () => {
    const { run } = await check('opaque-token-value', checkSettings(entraInputs), {});
    const error = await failure(run);
    expect(error.message).toMatch(/^The access token is not a JWT \(found 1 dot-separated parts/);
    expect(error.message).not.toContain('opaque-token-value');
  });

  it(
    'with a tenant domain, reads the metadata once ' + 'and takes the tenant GUID from its issuer',
    async () => {
      const metadataUrl = `https://login.microsoftonline.com/contoso.onmicrosoft.com/.well-known/openid-configuration`;
      const keysUrl = 'https://login.microsoftonline.com/common/discovery/keys';
      const token = await mint(key, { ...v1Claims, tid: undefined });
      const settings = checkSettings({ ...entraInputs, 'tenant-id': 'contoso.onmicrosoft.com' });
      const { run, requests } = await check(token, settings, {
        [metadataUrl]: { issuer: V1_ISSUER, jwks_uri: keysUrl },
        [keysUrl]: jwks(),
      });
      expect((await run).expected.issuer).toBe(V1_ISSUER);
      expect(requests).toEqual([`GET ${metadataUrl}`, `GET ${keysUrl}`]);
    },
  );
});

describe('checkClaims with Okta and generic OIDC issuers', () => {
  const okta = 'https://example.okta.com/oauth2/default';

  it(
    'checks an Okta token: issuer input, ' + 'api://default, cid, keys at {issuer}/v1/keys',
    async () => {
      const token = await mint(key, {
        iss: okta,
        aud: 'api://default',
        cid: 'okta-app',
        sub: 'okta-app',
      });
      const settings = checkSettings({ provider: 'okta', issuer: okta, 'client-id': 'okta-app' });
      const { run, requests } = await check(token, settings, { [`${okta}/v1/keys`]: jwks() });
      expect((await run).expected).toMatchObject({
        audience: 'api://default',
        applicationIdClaim: 'cid',
      });
      expect(requests).toEqual([`GET ${okta}/v1/keys`]);
    },
  );

  it('names cid when an Okta token comes from another app', async () => {
    const token = await mint(key, { iss: okta, aud: 'api://default', cid: 'someone-else' });
    const settings = checkSettings({ provider: 'okta', issuer: okta, 'client-id': 'okta-app' });
    const { run } = await check(token, settings, { [`${okta}/v1/keys`]: jwks() });
    expect((await failure(run)).message).toContain(
      'Claim cid: found "someone-else", expected "okta-app".',
    );
  });

  it(
    'reuses the profile discovery of an OIDC ' + 'issuer: one metadata and one key-set request',
    async () => {
      const issuer = 'https://id.example.com';
      const metadataUrl = `${issuer}/.well-known/openid-configuration`;
      const token = await mint(key, {
        iss: issuer,
        aud: 'https://api.corgea.test',
        client_id: 'ci',
      });
      const settings = checkSettings({
        provider: 'oidc',
        issuer,
        'client-id': 'ci',
        resource: 'https://api.corgea.test',
      });
      const { run, requests } = await check(token, settings, {
        [metadataUrl]: { issuer, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks` },
        [`${issuer}/jwks`]: jwks(),
      });
      expect((await run).expected).toMatchObject({
        audience: 'https://api.corgea.test',
        applicationIdClaim: 'client_id',
      });
      expect(requests).toEqual([`GET ${metadataUrl}`, `GET ${issuer}/jwks`]);
    },
  );

  it('explains an issuer that differs only in its trailing slash', async () => {
    const issuer = 'https://id.example.com';
    const token = await mint(key, { iss: `${issuer}/`, client_id: 'ci' });
    const settings = checkSettings({
      provider: 'oidc',
      issuer,
      'client-id': 'ci',
      'token-url': `${issuer}/token`,
      'client-auth': 'basic',
    });
    const { run } = await check(token, settings, {
      [`${issuer}/.well-known/openid-configuration`]: {
        issuer,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
      },
      [`${issuer}/jwks`]: jwks(),
    });
    expect((await failure(run)).message).toContain('The two differ only in the trailing slash');
  });
});
