/**
 * The library and the command line against the Entra stand-in (test/stand-ins/entra.ts): v1 and
 * v2 tokens, tenants by GUID and by domain, each AADSTS error with its fix, and retries.
 */
import { createLocalJWKSet, jwtVerify } from 'jose';

import { NetworkError, OAuthError, ResponseError } from '../../src/errors.js';
import { fetchToken } from '../../src/fetch-token.js';
import type { RetryClock } from '../../src/http/retry.js';
import { silentLogger } from '../../src/log.js';
import { parseSettings } from '../../src/settings.js';
import { startEntraStandIn, type EntraStandIn } from '../stand-ins/entra.js';
import { runCli } from '../support/cli.js';

const TENANT = '72f988bf-0000-4000-8000-00000000c0de';
const DOMAIN = 'contoso.onmicrosoft.com';
const V1_APP = '11111111-1111-4111-8111-111111111111';
const V2_APP = '22222222-2222-4222-8222-222222222222';
const NO_SP_APP = '33333333-3333-4333-8333-333333333333';
const SECRET = 'Qx8~v1.secret+with&special=chars%20 ok';
const EXPIRED = 'Old8~expired.secret';
const HOUR = 3_600_000;

let entra: EntraStandIn;
beforeAll(async () => {
  entra = await startEntraStandIn({
    tenants: [
      {
        tenantId: TENANT,
        domains: [DOMAIN],
        apps: [
          {
            clientId: V1_APP,
            identifierUris: [`api://${V1_APP}`],
            requestedAccessTokenVersion: null,
            servicePrincipal: true,
            secrets: [
              { value: SECRET, expiresAt: Date.now() + HOUR },
              { value: EXPIRED, expiresAt: Date.now() - HOUR },
            ],
          },
          {
            clientId: V2_APP,
            identifierUris: ['api://corgea-scans'],
            requestedAccessTokenVersion: 2,
            servicePrincipal: true,
            secrets: [{ value: SECRET, expiresAt: Date.now() + HOUR }],
          },
          {
            clientId: NO_SP_APP,
            identifierUris: [`api://${NO_SP_APP}`],
            requestedAccessTokenVersion: null,
            servicePrincipal: false,
            secrets: [{ value: SECRET, expiresAt: Date.now() + HOUR }],
          },
        ],
      },
    ],
  });
});
afterAll(async () => {
  await entra?.close();
});

/** A clock that does not wait, and remembers the waits asked for. */
function instantClock(): RetryClock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => Date.now(),
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
  };
}

function entraSettings(inputs: Record<string, string>) {
  const all: Record<string, string> = {
    'tenant-id': TENANT,
    'authority-host': entra.authority,
    'client-id': V1_APP,
    'client-secret': SECRET,
    ...inputs,
  };
  return parseSettings((name) => all[name] ?? '');
}

async function fetchWith(inputs: Record<string, string>, clock: RetryClock = instantClock()) {
  return fetchToken(entraSettings(inputs), { log: silentLogger, protect: () => undefined, clock });
}

async function verified(token: string) {
  return (await jwtVerify(token, createLocalJWKSet({ keys: [entra.publicJwk] }))).payload;
}

function requestsSince(start: number) {
  return entra.requests.slice(start);
}

describe('tokens from the Entra stand-in', () => {
  test('a v1 app gets a v1 token: sts-style issuer, aud the identifier URI, appid', async () => {
    const token = await fetchWith({});
    const payload = await verified(token.accessToken);

    expect(payload).toMatchObject({
      iss: entra.issuer(TENANT, 1),
      aud: `api://${V1_APP}`,
      appid: V1_APP,
      tid: TENANT,
      ver: '1.0',
    });
    expect(entra.issuer(TENANT, 1)).toBe(`${entra.authority}/${TENANT}/`);
    expect(token.issuer).toBe(entra.issuer(TENANT, 1));
    expect(token.audience).toBe(`api://${V1_APP}`);
    expect(token.applicationIdClaim).toBe('appid');
    expect(token.applicationId).toBe(V1_APP);
    expect(token.expiresIn).toBe(3599);
  });

  test('the tenant can be named by its domain; the token still carries the GUID', async () => {
    const token = await fetchWith({ 'tenant-id': DOMAIN });
    expect((await verified(token.accessToken)).tid).toBe(TENANT);
    expect(token.issuer).toBe(entra.issuer(TENANT, 1));
  });

  test(
    'a resource app asking for v2 gives a v2 token: ' + 'v2.0 issuer, aud the client ID, azp',
    async () => {
      const token = await fetchWith({ 'client-id': V2_APP, scope: 'api://corgea-scans/.default' });
      expect(await verified(token.accessToken)).toMatchObject({
        iss: `${entra.authority}/${TENANT}/v2.0`,
        aud: V2_APP,
        azp: V2_APP,
        ver: '2.0',
      });
      expect(token.applicationIdClaim).toBe('azp');
      expect(token.applicationId).toBe(V2_APP);
    },
  );

  test(
    'client-auth basic sends the secret in a ' + 'form-encoded Basic header that Entra accepts',
    async () => {
      const start = entra.requests.length;
      const token = await fetchWith({ 'client-auth': 'basic' });
      expect(token.applicationId).toBe(V1_APP);
      expect(requestsSince(start).map((r) => r.clientAuth)).toEqual(['basic']);
    },
  );

  test('an expires_in sent as a numeric string is read as a number', async () => {
    const old = await startEntraStandIn({
      expiresInAsString: true,
      tokenLifetimeSeconds: 4000,
      tenants: [
        {
          tenantId: TENANT,
          domains: [],
          apps: [
            {
              clientId: V1_APP,
              identifierUris: [`api://${V1_APP}`],
              requestedAccessTokenVersion: 1,
              servicePrincipal: true,
              secrets: [{ value: SECRET, expiresAt: Date.now() + HOUR }],
            },
          ],
        },
      ],
    });
    try {
      const token = await fetchToken(entraSettings({ 'authority-host': old.authority }), {
        log: silentLogger,
        protect: () => undefined,
      });
      expect(token.expiresIn).toBe(4000);
      expect(token.expirySource).toBe('expires_in');
    } finally {
      await old.close();
    }
  });

  test('the request log holds neither the secret nor the token', async () => {
    const token = await fetchWith({});
    const log = JSON.stringify(entra.requests);
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain(token.accessToken);
  });
});

describe('AADSTS errors: each fails at once with its own fix', () => {
  test.each([
    [
      '7000215 wrong secret',
      { 'client-secret': 'not-the-value-but-the-id' },
      7000215,
      /secret's value, not its secret ID/,
    ],
    ['7000222 expired secret', { 'client-secret': EXPIRED }, 7000222, /has expired: rotate it/],
    [
      '700016 unknown app',
      { 'client-id': '44444444-4444-4444-8444-444444444444' },
      700016,
      /check client-id and tenant-id together/,
    ],
    [
      '90002 unknown tenant',
      { 'tenant-id': 'fabrikam.onmicrosoft.com' },
      90002,
      /check tenant-id, and authority-host/,
    ],
    [
      '500011 no service principal',
      { 'client-id': NO_SP_APP },
      500011,
      /create the service principal/,
    ],
    ['500011 unknown resource', { scope: 'api://nobody/.default' }, 500011, /Application ID URIs/],
  ])('%s', async (_name, inputs, code, fix) => {
    const start = entra.requests.length;
    const error = await fetchWith(inputs).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).providerCodes).toContain(code);
    expect((error as OAuthError).message).toMatch(new RegExp(`AADSTS${code}:`));
    expect((error as OAuthError).fix).toMatch(fix);
    // Only the first line of the description: no trace IDs or timestamps in the message.
    expect((error as OAuthError).message).not.toMatch(/Trace ID|Correlation ID/);
    expect(requestsSince(start)).toHaveLength(1);
    expect((error as Error).message).not.toContain(SECRET);
  });

  test(
    '70011: a scope without /.default sent past the input check ' + 'is refused with its fix',
    async () => {
      // parseSettings refuses such a scope for entra, so the request goes out as a generic OIDC
      // one.
      const error = await fetchToken(
        parseSettings(
          (name) =>
            ({
              provider: 'oidc',
              issuer: `${entra.authority}/${TENANT}/v2.0`,
              'token-url': entra.tokenUrl(TENANT),
              'client-auth': 'post',
              'client-id': V1_APP,
              'client-secret': SECRET,
              scope: `api://${V1_APP}/scans.read`,
            })[name] ?? '',
        ),
        { log: silentLogger, protect: () => undefined },
      ).catch((e: unknown) => e);
      expect(error).toMatchObject({ error: 'invalid_scope', providerCodes: [70011] });
      expect((error as OAuthError).fix).toMatch(/exactly one \{resource\}\/\.default/);
    },
  );
});

describe('retries against the Entra stand-in', () => {
  test('two 503 answers, then a token: three attempts, and the waits are backoff', async () => {
    const clock = instantClock();
    const start = entra.requests.length;
    entra.inject({ kind: 'unavailable' }, { kind: 'unavailable' });

    const token = await fetchWith({}, clock);

    expect(token.attempts).toBe(3);
    expect(requestsSince(start).map((r) => r.status)).toEqual([503, 503, 200]);
    expect(clock.sleeps).toHaveLength(2);
  });

  test('429 with Retry-After is waited for at least as long as it says', async () => {
    const clock = instantClock();
    entra.inject({ kind: 'throttled', retryAfterSeconds: 7 });
    const token = await fetchWith({}, clock);
    expect(token.attempts).toBe(2);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(7000);
  });

  test('a 200 with an HTML body and a dropped connection are retried', async () => {
    const start = entra.requests.length;
    entra.inject({ kind: 'html' }, { kind: 'reset' });
    const token = await fetchWith({});
    expect(token.attempts).toBe(3);
    expect(requestsSince(start).map((r) => r.fault)).toEqual(['html', 'reset', undefined]);
  });

  test('an attempt that outlives timeout-seconds is abandoned and retried', async () => {
    entra.inject({ kind: 'delay', ms: 1500 });
    const token = await fetchWith({ 'timeout-seconds': '1' });
    expect(token.attempts).toBe(2);
  });

  test('when every attempt gets 503, the error says how many attempts were made', async () => {
    entra.inject({ kind: 'unavailable' }, { kind: 'unavailable' });
    const error = await fetchWith({ attempts: '2' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).status).toBe(503);
    expect((error as Error).message).toMatch(/kept failing with status 503 after 2 attempts/);
  });

  test('a refused port is a network error after all attempts', async () => {
    const closed = await startEntraStandIn({ tenants: [] });
    const authority = closed.authority;
    await closed.close();
    const error = await fetchWith({ 'authority-host': authority, attempts: '2' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ stage: 'connect', systemCode: 'ECONNREFUSED' });
    expect((error as Error).message).toMatch(/Tried 2 times/);
  });
});

describe('the command line against the Entra stand-in', () => {
  test('token --format env prints CORGEA_TOKEN and CORGEA_URL lines', async () => {
    const run = await runCli(
      [
        'token',
        '--tenant-id',
        TENANT,
        '--client-id',
        V1_APP,
        '--authority-host',
        entra.authority,
        '--format',
        'env',
        // No Corgea here: the token command would otherwise ask the default Corgea URL.
        '--verify',
        'false',
      ],
      { CORGEA_CLIENT_SECRET: SECRET },
    );
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^CORGEA_TOKEN=eyJ/);
    expect(lines[1]).toBe('CORGEA_URL=https://www.corgea.app');
    expect((await verified(lines[0]!.slice('CORGEA_TOKEN='.length))).appid).toBe(V1_APP);
    expect(run.stderr).not.toContain(SECRET);
  });

  test('an AADSTS error exits 4 with the fix on stderr and nothing on stdout', async () => {
    const run = await runCli(
      ['token', '--tenant-id', TENANT, '--client-id', V1_APP, '--authority-host', entra.authority],
      { CORGEA_CLIENT_SECRET: EXPIRED },
    );
    expect(run.code).toBe(4);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/AADSTS7000222/);
    expect(run.stderr).toMatch(/Fix: the client secret has expired/);
    expect(run.stderr).not.toContain(EXPIRED);
  });
});
