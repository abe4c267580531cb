/**
 * End to end against a hostile identity provider: the bundle (`npm run build` first), run as the
 * runner runs it, meets a token endpoint on 127.0.0.1 that answers what an attacker who controls
 * or sits in front of the identity provider would send: a token_type carrying workflow commands,
 * an error description with line breaks and an echoed secret, any answer it likes. The server is
 * written here for that purpose and imitates no product; its metadata follows OpenID Connect
 * Discovery so that the `oidc` profile finds it.
 *
 * Each run is read as the runner reads stdout: a line is a workflow command when it starts with
 * `::` after leading white space, or holds `##[` anywhere (the older form).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { basicAuthorization } from '../../src/credentials/client-secret.js';
import { actionRunPlaces, findLeaks } from '../support/leaks.js';
import { runAction, type ActionRun } from './runner.js';

const CLIENT_ID = 'hostile-e2e-client';
const SECRET = 'Hx7~e2e.secret+with&all=the%chars and spaces';
const TOKEN = 'opaque.access-token.0123456789';

/** What the token endpoint answers next: status and JSON body. */
let answer: { status: number; body: unknown } = { status: 500, body: {} };
let server: http.Server;
let issuer = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const reply = (status: number, body: unknown) =>
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      if (req.url === '/.well-known/openid-configuration') {
        return reply(200, {
          issuer,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/keys`,
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        });
      }
      if (req.url === '/token' && req.method === 'POST') return reply(answer.status, answer.body);
      return reply(404, { error: 'not_found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    provider: 'oidc',
    issuer,
    'client-id': CLIENT_ID,
    'client-secret': SECRET,
    'client-auth': 'post',
    'check-claims': 'false',
    verify: 'false',
    ...extra,
  };
}

/**
 * The workflow commands the runner would execute from this run's stdout, CR and LF both ending a
 * line.
 */
function commands(run: ActionRun): string[] {
  return run.stdout
    .split(/\r\n|\r|\n/)
    .filter((line) => /^\s*::/.test(line) || line.includes('##['))
    .map((line) => line.trimStart().replace(/^::([^: ]*).*$/s, '$1'));
}

/** The action's own commands only: masks, debug lines, and one error at the end. */
function expectOnlyOwnCommands(run: ActionRun): void {
  const names = commands(run);
  expect(names.filter((name) => !['add-mask', 'debug'].includes(name))).toEqual(['error']);
  expect(names.at(-1)).toBe('error');
}

describe('a hostile token endpoint cannot add workflow commands', () => {
  test(
    'a token_type with line feeds and commands fails ' +
      'the step, which runs only its own commands',
    async () => {
      answer = {
        status: 200,
        body: {
          access_token: TOKEN,
          token_type: 'Bearer\n::set-output name=x::y\n::warning::fake\r::stop-commands::end',
          expires_in: 3600,
        },
      };
      const run = await runAction({ inputs: inputs() });
      expect(run.exitCode).toBe(1);
      expectOnlyOwnCommands(run);
      expect(run.stdout).toContain('has a token_type that is not a token type name');
      expect(run.stdout).not.toContain('fake');
      expect(run.outputs).toEqual({});
      expect(findLeaks(actionRunPlaces(run), { 'client secret': SECRET, token: TOKEN })).toEqual(
        [],
      );
    },
  );

  test(
    'an error description with line breaks and ' + 'escapes stays inside the one error line',
    async () => {
      answer = {
        status: 400,
        body: {
          error: 'invalid_client',
          error_description: 'bad client\r::warning::fake\u001b[2K ##[warning]older',
        },
      };
      const run = await runAction({ inputs: inputs() });
      expect(run.exitCode).toBe(1);
      expectOnlyOwnCommands(run);
      expect(run.stdout).toContain('bad client ::warning::fake\\x1B[2K ##[warning]older');
    },
  );
});

describe('a secret an outside party echoes is redacted whole', () => {
  test(
    'a secret straddling character 300 of ' + 'error_description leaves no part in clear',
    async () => {
      // The secret starts at character 294 of the description.
      const description = `${'y'.repeat(280)} echoed: ${SECRET} and more`;
      answer = { status: 401, body: { error: 'invalid_client', error_description: description } };
      const run = await runAction({ inputs: inputs() });
      expect(run.exitCode).toBe(1);
      const places = actionRunPlaces(run);
      for (const [place, text] of Object.entries(places)) {
        expect(`${place}: ${text.includes(SECRET.slice(0, 6))}`).toBe(`${place}: false`);
      }
      expect(run.stdout).toContain('echoed: *** and more');
    },
  );

  test(
    'with client_secret_basic the base64 of id:secret ' +
      'is masked before the request, and redacted',
    async () => {
      const encoded = basicAuthorization(CLIENT_ID, SECRET).replace(/^Basic /, '');
      answer = {
        status: 401,
        body: { error: 'invalid_client', error_description: `got Basic ${encoded}` },
      };
      const run = await runAction({ inputs: inputs({ 'client-auth': 'basic' }) });
      expect(run.exitCode).toBe(1);
      const mask = run.stdoutLines.indexOf(`::add-mask::${encoded}`);
      const request = run.stdoutLines.findIndex((line) =>
        line.startsWith('Requesting an access token'),
      );
      expect(mask).toBeGreaterThanOrEqual(0);
      expect(mask).toBeLessThan(request);
      expect(findLeaks(actionRunPlaces(run), { 'Basic credential': encoded })).toEqual([]);
      expect(run.stdout).toContain('got Basic ***');
    },
  );

  test('a proxy password in a variable without a scheme is masked first and redacted', async () => {
    const password = 'proxy-pw-4321';
    answer = {
      status: 401,
      body: { error: 'invalid_client', error_description: `proxy said ${password}` },
    };
    const run = await runAction({
      inputs: inputs(),
      // The proxy is bypassed for the issuer on loopback: only the password's handling is tested.
      env: { HTTP_PROXY: `alice:${password}@127.0.0.1:9`, NO_PROXY: '127.0.0.1' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdoutLines.slice(0, 2)).toContain(`::add-mask::${password}`);
    expect(findLeaks(actionRunPlaces(run), { 'proxy password': password })).toEqual([]);
  });
});

describe('outputs are all or nothing', () => {
  test(
    'without GITHUB_ENV the step fails naming it, ' + 'and no output, the token least, is written',
    async () => {
      answer = {
        status: 200,
        body: { access_token: TOKEN, token_type: 'Bearer', expires_in: 3600 },
      };
      const run = await runAction({ inputs: inputs(), env: { GITHUB_ENV: '' } });
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toContain('::error::Input GITHUB_ENV: is not set');
      expect(run.files.output).toBe('');
      expect(run.outputs).toEqual({});
    },
  );
});

describe('claims that echo the client secret', () => {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const echoing = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({
    iss: `evil ${SECRET}`,
    aud: [`aud-${SECRET}`, 'x'],
    client_id: SECRET,
  })}.c2ln`;

  test('reach neither the claim outputs nor the summary in clear', async () => {
    answer = { status: 200, body: { access_token: echoing, token_type: 'Bearer', expires_in: 60 } };
    const run = await runAction({ inputs: inputs() });

    expect(run.exitCode).toBe(0);
    expect(run.outputs['issuer']).toBe('evil ***');
    expect(run.outputs['application-id']).toBe('***');
    expect(run.outputs['audience']).not.toContain(SECRET);
    expect(run.summary).not.toContain(SECRET);
  });
});

describe('the file commands the runner gives', () => {
  test('are checked before any request: a missing GITHUB_OUTPUT costs no token fetch', async () => {
    answer = { status: 200, body: { access_token: TOKEN, token_type: 'Bearer', expires_in: 60 } };
    const run = await runAction({ inputs: inputs(), env: { GITHUB_OUTPUT: '' } });

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('::error::Input GITHUB_OUTPUT: is not set');
    expect(run.stdout).not.toContain('Requesting an access token');
  });
});
