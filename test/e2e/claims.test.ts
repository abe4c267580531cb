/**
 * End to end: the bundle (`npm run build` first) run as the runner runs it, with the claim check,
 * Corgea's verify call and the job summary on. Entra tokens come from the Entra stand-in, Corgea
 * is the Corgea stand-in, and the tokens a case needs exactly (expired, not yet valid, signed by
 * an unpublished key, unsigned) come from a scripted issuer. Every run is searched for the secret
 * and for any JWT outside the outputs meant for the token.
 */
import { startCorgeaStandIn, type CorgeaStandIn } from '../stand-ins/corgea.js';
import { entraApp, startEntraStandIn, type EntraStandIn } from '../stand-ins/entra.js';
import { actionRunPlaces, findLeaks } from '../support/leaks.js';
import { mint, signingKey, type SigningKey } from '../claims/fixtures.js';
import { startScriptedIssuer, type ScriptedIssuer } from '../claims/scripted-issuer.js';
import { errorMessage, runAction, type ActionRun } from './runner.js';

const TENANT = '5b1a2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const V1_APP = 'a1a1a1a1-0000-4000-8000-000000000001';
const V2_APP = 'b2b2b2b2-0000-4000-8000-000000000002';
const SECRET = 'Claims~e2e.Secret+&=% with spaces';
const JWT = /eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/;

let entra: EntraStandIn;
let corgea: CorgeaStandIn;
let scripted: ScriptedIssuer;
let published: SigningKey;
let unpublished: SigningKey;

beforeAll(async () => {
  [published, unpublished] = await Promise.all([
    signingKey('published'),
    signingKey('unpublished'),
  ]);
  // One at a time, so that whatever started before a failure is assigned and stopped in afterAll.
  entra = await startEntraStandIn({
    tenants: [
      {
        tenantId: TENANT,
        domains: ['claims-e2e.onmicrosoft.com'],
        apps: [entraApp(V1_APP, SECRET), entraApp(V2_APP, SECRET, 2)],
      },
    ],
  });
  scripted = await startScriptedIssuer(published, {
    clientId: 'scripted-ci',
    clientSecret: SECRET,
  });
  corgea = await startCorgeaStandIn({
    adminToken: 'admin-token-not-used-here',
    configs: [
      {
        name: 'v1 app',
        issuer: entra.issuer(TENANT, 1),
        audience: `api://${V1_APP}`,
        allowed_application_ids: [V1_APP],
      },
      // Registered right for v2, but this Corgea reads appid and cid only: azp does not count.
      {
        name: 'v2 app',
        issuer: entra.issuer(TENANT, 2),
        audience: V2_APP,
        allowed_application_ids: [V2_APP],
      },
    ],
  });
});

afterAll(async () => {
  await Promise.all([entra?.close(), corgea?.close(), scripted?.close()]);
});

function entraStep(clientId: string, extra: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    inputs: {
      'tenant-id': TENANT,
      'authority-host': entra.authority,
      'client-id': clientId,
      'client-secret': SECRET,
      'corgea-url': corgea.url,
      ...extra,
    },
  });
}

function scriptedStep(token: string): Promise<ActionRun> {
  scripted.queue(token);
  return runAction({
    inputs: {
      provider: 'oidc',
      issuer: scripted.issuer,
      'client-id': 'scripted-ci',
      'client-secret': SECRET,
      verify: 'false',
    },
  });
}

/** No secret in clear anywhere, and no JWT outside the token output and CORGEA_TOKEN. */
function expectNoLeaks(run: ActionRun): void {
  const places = actionRunPlaces(run, { outputs: ['token'], exported: ['CORGEA_TOKEN'] });
  expect(findLeaks(places, { 'client secret': SECRET })).toEqual([]);
  expect(
    Object.entries(places)
      .filter(([, text]) => JWT.test(text))
      .map(([place]) => place),
  ).toEqual([]);
}

describe('the action with the claim check, verify and summary on', () => {
  test(
    'a good v1 configuration passes, Corgea accepts, ' + 'and the summary holds the table',
    async () => {
      const run = await entraStep(V1_APP);
      expect(errorMessage(run)).toBe('');
      expect(run.exitCode).toBe(0);
      expect(run.exported['CORGEA_TOKEN']).toMatch(JWT);
      expect(run.stdout).toContain('match the expected Corgea configuration');
      expect(run.stdout).toContain('accepts the token');

      const v1Issuer = entra.issuer(TENANT, 1);
      expect(run.summary).toContain('| Provider | entra |');
      expect(run.summary).toContain('| Token version | v1 |');
      expect(run.summary).toContain(`| Client ID | \`${V1_APP}\` |`);
      expect(run.summary).toContain('| Corgea verify | accepted the token |');
      expect(run.summary).toContain(`| Issuer (\`iss\`) | \`${v1Issuer}\` | checked |`);
      expect(run.summary).toContain(`| Audience (\`aud\`) | \`api://${V1_APP}\` | checked |`);
      expect(run.summary).toContain(
        `| Allowed application ID (\`appid\`) | \`${V1_APP}\` | checked |`,
      );
      expectNoLeaks(run);
    },
  );

  test(
    'a healthy run makes no metadata request ' + 'and one key-set request with a tenant GUID',
    async () => {
      const before = entra.requests.length;
      const run = await entraStep(V1_APP, { verify: 'false' });
      expect(run.exitCode).toBe(0);
      const paths = entra.requests.slice(before).map((r) => `${r.method} ${r.path}`);
      expect(paths).toEqual([`POST /${TENANT}/oauth2/v2.0/token`, `GET /${TENANT}/discovery/keys`]);
    },
  );

  test(
    'a healthy run makes one metadata and one ' + 'key-set request with a tenant domain',
    async () => {
      const before = entra.requests.length;
      const run = await entraStep(V1_APP, {
        verify: 'false',
        'tenant-id': 'claims-e2e.onmicrosoft.com',
      });
      expect(errorMessage(run)).toBe('');
      const paths = entra.requests.slice(before).map((r) => `${r.method} ${r.path}`);
      expect(paths.filter((p) => p.includes('openid-configuration'))).toHaveLength(1);
      expect(paths.filter((p) => p.includes('/keys'))).toHaveLength(1);
    },
  );

  test(
    'a healthy OIDC run reuses the discovery of the profile: ' +
      'one metadata, one key-set request',
    async () => {
      const before = scripted.requests.length;
      const run = await scriptedStep(
        await mint(published, { iss: scripted.issuer, client_id: 'scripted-ci' }),
      );
      expect(errorMessage(run)).toBe('');
      expect(scripted.requests.slice(before)).toEqual([
        'GET /.well-known/openid-configuration',
        'POST /token',
        'GET /keys',
      ]);
    },
  );

  test('a v1 token against a v2 expected issuer fails, naming the token version', async () => {
    const run = await entraStep(V1_APP, {
      'expected-issuer': entra.issuer(TENANT, 2),
      verify: 'false',
    });
    expect(run.exitCode).toBe(1);
    expect(errorMessage(run)).toContain(
      `Claim iss: found "${entra.issuer(TENANT, 1)}", expected "${entra.issuer(TENANT, 2)}". ` +
        `This is an Entra v1 token`,
    );
    expect(run.summary).toContain('differs: expected');
    expect(run.exported['CORGEA_TOKEN']).toBeUndefined();
    expectNoLeaks(run);
  });

  test('a v2 token against a v1 expected issuer fails, naming the token version', async () => {
    const run = await entraStep(V2_APP, {
      'expected-issuer': entra.issuer(TENANT, 1),
      'expected-audience': V2_APP,
      verify: 'false',
    });
    expect(errorMessage(run)).toContain('This is an Entra v2 token (issuer ending in /v2.0)');
    expectNoLeaks(run);
  });

  test('aud api://{id} against the bare client ID fails with its explanation', async () => {
    const run = await entraStep(V1_APP, { 'expected-audience': V1_APP, verify: 'false' });
    expect(errorMessage(run)).toContain(
      `Claim aud: found "api://${V1_APP}", expected "${V1_APP}". The token carries the ` +
        `Application ID URI`,
    );
    expectNoLeaks(run);
  });

  test('aud the bare client ID against api://{id} fails with its explanation', async () => {
    const run = await entraStep(V2_APP, {
      'expected-audience': `api://${V2_APP}`,
      verify: 'false',
    });
    expect(errorMessage(run)).toContain(
      `Claim aud: found "${V2_APP}", expected "api://${V2_APP}". ` +
        `The token carries the bare client ID`,
    );
    expectNoLeaks(run);
  });

  test(
    'a v2 token (calling app in azp) against ' + "Corgea's v1 guide fails on appid with its cause",
    async () => {
      const run = await entraStep(V2_APP, {
        'expected-issuer': entra.issuer(TENANT, 1),
        'expected-audience': `api://${V2_APP}`,
        verify: 'false',
      });
      const message = errorMessage(run);
      expect(message).toMatch(
        /^The token differs from the Corgea JWT-auth configuration in 3 claims:/,
      );
      expect(message).toContain('- Claim appid: found (absent), expected');
      expect(message).toContain('names the calling app in azp, as Entra v2 tokens do');
      expectNoLeaks(run);
    },
  );

  test(
    'a verify 401 fails with the diagnosis of the values to compare, ' + 'not the response',
    async () => {
      const run = await entraStep(V2_APP);
      const message = errorMessage(run);
      expect(message).toContain(`Corgea refused the token at 127.0.0.1`);
      expect(message).toContain(
        `The token carries iss "${entra.issuer(TENANT, 2)}", aud "${V2_APP}" and azp "${V2_APP}".`,
      );
      expect(message).toContain('compare Issuer, Audience and Allowed application IDs');
      expect(message).not.toContain('"status"');
      expect(run.summary).toContain('| Corgea verify | refused the token |');
      expectNoLeaks(run);
    },
  );

  test(
    'a v2 token that passes the claim check warns that its caller is in azp, ' + 'before verify',
    async () => {
      const run = await entraStep(V2_APP);
      expect(run.stdout).toContain(
        '::warning::The token names its calling app in azp, while Corgea documents appid or cid;',
      );
    },
  );

  test('an expired token fails on exp', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await mint(published, {
      iss: scripted.issuer,
      client_id: 'scripted-ci',
      iat: now - 7200,
      nbf: now - 7200,
      exp: now - 900,
    });
    const run = await scriptedStep(token);
    expect(errorMessage(run)).toMatch(
      /^Claim exp: found .* s ago\), expected a time after now.* The token has expired\./,
    );
    expectNoLeaks(run);
  });

  test('a token not yet valid fails on nbf', async () => {
    const now = Math.floor(Date.now() / 1000);
    const run = await scriptedStep(
      await mint(published, { iss: scripted.issuer, client_id: 'scripted-ci', nbf: now + 900 }),
    );
    expect(errorMessage(run)).toContain('The token is not valid yet');
    expectNoLeaks(run);
  });

  test('a token signed by a key the issuer does not publish fails after one refetch', async () => {
    const before = scripted.requests.length;
    const run = await scriptedStep(
      await mint(unpublished, { iss: scripted.issuer, client_id: 'scripted-ci' }),
    );
    expect(errorMessage(run)).toContain(
      'The token is signed with key ID "unpublished", which the issuer does not publish',
    );
    expect(scripted.requests.slice(before).filter((r) => r === 'GET /keys')).toHaveLength(2);
    expectNoLeaks(run);
  });

  test('an unsigned token (alg none) fails with its own message', async () => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${part({ alg: 'none' })}.${part({
      iss: scripted.issuer,
      client_id: 'scripted-ci',
    })}.`;
    const run = await scriptedStep(unsigned);
    expect(errorMessage(run)).toMatch(/^The token is unsigned \(alg "none"\)/);
    expectNoLeaks(run);
  });
});
