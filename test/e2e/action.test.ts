/**
 * End to end: the committed bundle (`npm run build` first), run as the runner runs it, against
 * the Entra stand-in and the oidc-provider peer. Asserts on the parsed file commands, the order
 * of the masking commands, and that neither secret nor token shows in clear anywhere.
 */
import { PEER_CLIENTS, PEER_SCOPE, startOidcPeer, type OidcPeer } from '../peers/oidc-provider.js';
import { entraApp, startEntraStandIn, type EntraStandIn } from '../stand-ins/entra.js';
import { actionRunPlaces, findLeaks } from '../support/leaks.js';
import { refusedLoopbackPort } from '../support/ports.js';
import { runAction, type ActionRun } from './runner.js';

const TENANT = '9e0c1c2d-5f4a-4b7e-9d3c-2a1b0c9d8e7f';
const APP = 'c0ffee00-1234-4abc-8def-0123456789ab';
const SECRET = 'Zq8~e2e.Secret+with&all=the%chars and spaces';

let entra: EntraStandIn;
let peer: OidcPeer;
beforeAll(async () => {
  // One at a time, so that whatever started before a failure is assigned and stopped in afterAll.
  entra = await startEntraStandIn({
    tenants: [
      { tenantId: TENANT, domains: ['corgea-e2e.onmicrosoft.com'], apps: [entraApp(APP, SECRET)] },
    ],
  });
  peer = await startOidcPeer();
});
afterAll(async () => {
  await Promise.all([entra?.close(), peer?.close()]);
});

/**
 * The inputs of a working Entra step against the stand-in. Corgea's verify call is off: this file
 * is about the token, and Corgea's stand-in has its own end-to-end tests (claims.test.ts).
 */
function entraInputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    verify: 'false',
    'tenant-id': TENANT,
    'authority-host': entra.authority,
    'client-id': APP,
    'client-secret': SECRET,
    ...extra,
  };
}

/** How @actions/core escapes a command's data (`%`, CR, LF), so that a line can be matched. */
function commandData(value: string): string {
  return value.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** Checks the masking order: the secret's mask first, the token's right after its arrival. */
function expectMaskOrder(run: ActionRun, token: string): void {
  const lines = run.stdoutLines;
  expect(lines[0]).toBe(`::add-mask::${commandData(SECRET)}`);
  const tokenMask = lines.indexOf(`::add-mask::${commandData(token)}`);
  const request = lines.findIndex((line) => line.startsWith('Requesting an access token'));
  expect(request).toBeGreaterThan(0);
  // Between the request line and the token's mask only debug lines of earlier, failed attempts
  // may stand: the line reporting the answer that carried the token comes after the mask.
  expect(tokenMask).toBeGreaterThan(request);
  for (const line of lines.slice(request + 1, tokenMask)) {
    expect(line).toMatch(/^::debug::/);
    expect(line).not.toMatch(/answered 2\d\d/);
  }
  expect(lines.slice(tokenMask + 1).some((line) => line.startsWith('Got a Bearer token'))).toBe(
    true,
  );
}

function errorLines(run: ActionRun): string[] {
  return run.stdoutLines.filter((line) => line.startsWith('::error::'));
}

describe('the action against the Entra stand-in', () => {
  test(
    'a v1 token: outputs parsed and right, ' + 'CORGEA_TOKEN and CORGEA_URL exported, all masked',
    async () => {
      const run = await runAction({ inputs: entraInputs() });

      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      const token = run.outputs['token'] ?? '';
      expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(run.outputs).toEqual({
        token,
        'token-type': 'Bearer',
        'expires-in': '3599',
        'expires-at': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        issuer: `${entra.authority}/${TENANT}/`,
        audience: `api://${APP}`,
        'application-id': APP,
      });
      expect(run.exported).toEqual({ CORGEA_TOKEN: token, CORGEA_URL: 'https://www.corgea.app' });
      expectMaskOrder(run, token);
      expect(run.stdoutLines).toContain(`::add-mask::${token}`);
      expect(
        findLeaks(actionRunPlaces(run, { outputs: ['token'], exported: ['CORGEA_TOKEN'] }), {
          'client secret': SECRET,
          token,
        }),
      ).toEqual([]);
    },
  );

  test('the log names provider, token endpoint host, client ID and attempts', async () => {
    const run = await runAction({ inputs: entraInputs() });
    const log = run.stdoutLines.join('\n');
    expect(log).toContain(`from entra at ${new URL(entra.authority).host}`);
    expect(log).toContain(`client ID ${APP}`);
    expect(log).toMatch(/after 1 attempt; it expires at \d{4}-/);
  });

  test('in debug mode the token is still masked before any line after its arrival', async () => {
    entra.inject({ kind: 'unavailable' });
    const run = await runAction({ inputs: entraInputs(), env: { RUNNER_DEBUG: '1' } });
    expect(run.exitCode).toBe(0);
    const token = run.outputs['token'] ?? '';
    expectMaskOrder(run, token);
    expect(run.stdoutLines).toContainEqual(
      expect.stringMatching(/^::debug::.*attempt 1 answered 503/),
    );
    expect(run.stdoutLines).toContainEqual(
      expect.stringMatching(/^::debug::.*attempt 2 answered 200/),
    );
    expect(
      findLeaks(actionRunPlaces(run, { outputs: ['token'], exported: ['CORGEA_TOKEN'] }), {
        'client secret': SECRET,
        token,
      }),
    ).toEqual([]);
  });

  test('output-token false leaves the token output unset but still exports it', async () => {
    const run = await runAction({ inputs: entraInputs({ 'output-token': 'false' }) });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).not.toHaveProperty('token');
    expect(run.outputs['application-id']).toBe(APP);
    const token = run.exported['CORGEA_TOKEN'] ?? '';
    expect(token).toMatch(/^eyJ/);
    expect(findLeaks(actionRunPlaces(run, { exported: ['CORGEA_TOKEN'] }), { token })).toEqual([]);
  });

  test('an empty export-variable exports nothing, CORGEA_URL included', async () => {
    const run = await runAction({ inputs: entraInputs({ 'export-variable': '' }) });
    expect(run.exitCode).toBe(0);
    expect(run.exported).toEqual({});
    expect(run.outputs['token']).toMatch(/^eyJ/);
  });

  test('another export-variable and corgea-url are what is exported', async () => {
    const run = await runAction({
      inputs: entraInputs({
        'export-variable': 'SCAN_TOKEN',
        'corgea-url': 'https://acme.corgea.app/',
      }),
    });
    expect(run.exitCode).toBe(0);
    expect(Object.keys(run.exported).sort()).toEqual(['CORGEA_URL', 'SCAN_TOKEN']);
    expect(run.exported['CORGEA_URL']).toBe('https://acme.corgea.app');
  });
});

describe('the action against the oidc-provider peer', () => {
  test(
    'okta: the token from {issuer}/v1/token ' + 'names the client in application-id (cid)',
    async () => {
      const run = await runAction({
        inputs: {
          verify: 'false',
          provider: 'okta',
          issuer: peer.okta.issuer,
          'client-id': PEER_CLIENTS.basic.clientId,
          'client-secret': PEER_CLIENTS.basic.clientSecret,
          scope: PEER_SCOPE,
        },
      });
      expect(run.exitCode).toBe(0);
      expect(run.outputs).toMatchObject({
        issuer: peer.okta.issuer,
        audience: 'api://default',
        'application-id': PEER_CLIENTS.basic.clientId,
      });
      const token = run.outputs['token'] ?? '';
      expect(run.exported['CORGEA_TOKEN']).toBe(token);
      expect(
        findLeaks(actionRunPlaces(run, { outputs: ['token'], exported: ['CORGEA_TOKEN'] }), {
          'client secret': PEER_CLIENTS.basic.clientSecret,
          token,
        }),
      ).toEqual([]);
    },
  );

  test('oidc: discovery, client_secret_post, and the resource as audience', async () => {
    const run = await runAction({
      inputs: {
        verify: 'false',
        provider: 'oidc',
        issuer: peer.plain.issuer,
        'client-id': PEER_CLIENTS.post.clientId,
        'client-secret': PEER_CLIENTS.post.clientSecret,
        'client-auth': 'post',
        resource: 'https://scanner.corgea.test',
      },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      issuer: peer.plain.issuer,
      audience: 'https://scanner.corgea.test',
      'application-id': PEER_CLIENTS.post.clientId,
    });
    expect(run.stdoutLines[0]).toBe(`::add-mask::${commandData(PEER_CLIENTS.post.clientSecret)}`);
  });
});

describe('every failure exits non-zero, names the problem, and shows no secret', () => {
  const badInputs: [string, Record<string, string>, RegExp][] = [
    ['no client ID', { 'client-id': '' }, /Input client-id: is required/],
    ['no client secret', { 'client-secret': '' }, /Input client-secret: is required/],
    [
      'a tenant that is neither GUID nor domain',
      { 'tenant-id': 'not a tenant!' },
      /Input tenant-id: expected a GUID or a domain/,
    ],
    [
      'an issuer that is not https',
      { provider: 'oidc', issuer: 'http://idp.example.com/oauth2' },
      /Input issuer: expected an https URL/,
    ],
    [
      'an unknown provider',
      { provider: 'auth0' },
      /Input provider: expected one of entra, okta, oidc/,
    ],
    [
      'attempts of 0',
      { attempts: '0' },
      /Input attempts: expected a whole number from 1 to 10, found "0"/,
    ],
    [
      'attempts of 100',
      { attempts: '100' },
      /Input attempts: expected a whole number from 1 to 10, found "100"/,
    ],
    [
      'an entra scope without /.default',
      { scope: `api://${APP}/scans.read` },
      /Input scope: expected one resource followed by \/\.default/,
    ],
  ];

  test.each(badInputs)('bad input: %s, before any request', async (_name, inputs, message) => {
    const before = entra.requests.length;
    const run = await runAction({ inputs: entraInputs(inputs) });

    expect(run.exitCode).not.toBe(0);
    expect(errorLines(run)).toEqual([expect.stringMatching(message)]);
    expect(entra.requests.length).toBe(before);
    expect(run.outputs).toEqual({});
    expect(run.exported).toEqual({});
    if (inputs['client-secret'] !== '') {
      expect(run.stdoutLines[0]).toBe(`::add-mask::${commandData(SECRET)}`);
      expect(findLeaks(actionRunPlaces(run), { 'client secret': SECRET })).toEqual([]);
    }
  });

  test('an AADSTS error: the code and its fix, and the wrong secret nowhere', async () => {
    const wrong = 'Wr0ng~secret+value&=%';
    const run = await runAction({ inputs: entraInputs({ 'client-secret': wrong }) });
    expect(run.exitCode).not.toBe(0);
    expect(errorLines(run)).toEqual([
      expect.stringMatching(
        /AADSTS7000215: .*Fix: Entra rejected the client secret: send the secret's value/,
      ),
    ]);
    expect(findLeaks(actionRunPlaces(run), { 'client secret': wrong })).toEqual([]);
    expect(run.outputs).toEqual({});
  });

  test('a refused port: a connection error naming the host, after the attempts', async () => {
    const port = await refusedLoopbackPort();
    const run = await runAction({
      inputs: entraInputs({ 'authority-host': `http://127.0.0.1:${port}`, attempts: '2' }),
    });
    expect(run.exitCode).not.toBe(0);
    expect(errorLines(run)).toEqual([
      expect.stringMatching(
        new RegExp(
          `connection to 127\\.0\\.0\\.1:${port} failed \\(ECONNREFUSED\\).*Tried 2 times`,
        ),
      ),
    ]);
    expect(findLeaks(actionRunPlaces(run), { 'client secret': SECRET })).toEqual([]);
  });

  test('retries exhausted: every attempt 503, the error says so', async () => {
    entra.inject({ kind: 'unavailable' }, { kind: 'unavailable' });
    const run = await runAction({ inputs: entraInputs({ attempts: '2' }) });
    expect(run.exitCode).not.toBe(0);
    expect(errorLines(run)).toEqual([
      expect.stringMatching(/kept failing with status 503 after 2 attempts/),
    ]);
    expect(findLeaks(actionRunPlaces(run), { 'client secret': SECRET })).toEqual([]);
  });

  test('a 503 then a token: success on the second attempt, with the mask order kept', async () => {
    entra.inject({ kind: 'unavailable' });
    const run = await runAction({ inputs: entraInputs() });
    expect(run.exitCode).toBe(0);
    expectMaskOrder(run, run.outputs['token'] ?? '');
    expect(run.stdoutLines.join('\n')).toContain('after 2 attempts');
  });
});
