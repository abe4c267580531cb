import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { runCli } from '../support/cli.js';
import { CLIENT_ID, TENANT, mint, signingKey, type SigningKey } from './fixtures.js';

// A loopback Entra authority that publishes one key set and counts what it is asked.
let server: http.Server;
let authority: string;
let key: SigningKey;
const requests: string[] = [];

beforeAll(async () => {
  key = await signingKey('cli-key');
  server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === `/${TENANT}/discovery/keys`) {
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ keys: [key.jwk] }));
    } else {
      res.writeHead(404).end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  authority = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function runCheck(args: string[], env: Record<string, string>, stdin = '') {
  const run = await runCli(
    [
      'check',
      '--tenant-id',
      TENANT,
      '--client-id',
      CLIENT_ID,
      '--authority-host',
      authority,
      ...args,
    ],
    env,
    stdin,
  );
  return { code: run.code, err: run.stderr, out: run.stdout };
}

const v1 = () => ({
  iss: `${authority}/${TENANT}/`,
  aud: `api://${CLIENT_ID}`,
  appid: CLIENT_ID,
  ver: '1.0',
});

describe('corgea-idp-auth check', () => {
  it('exits 0 for a token from CORGEA_TOKEN that fits, with one key-set request', async () => {
    requests.length = 0;
    const token = await mint(key, v1());
    const { code, err, out } = await runCheck([], { CORGEA_TOKEN: token });
    expect(err).toContain('The token fits the Corgea configuration');
    expect(code).toBe(0);
    expect(out).toBe('');
    expect(requests).toEqual([`/${TENANT}/discovery/keys`]);
  });

  it(
    'exits 7 naming the claim, ' + 'for a token read from stdin whose aud differs from the flag',
    async () => {
      const token = await mint(key, v1());
      const { code, err } = await runCheck(
        ['--token-stdin', '--expected-audience', CLIENT_ID],
        {},
        `${token}\n`,
      );
      expect(code).toBe(7);
      expect(err).toContain(
        `error: Claim aud: found "api://${CLIENT_ID}", expected "${CLIENT_ID}".`,
      );
      expect(err).not.toContain(token);
    },
  );

  it('takes repeated --allowed-application-ids as the list Corgea holds', async () => {
    const token = await mint(key, v1());
    const { code, err } = await runCheck(
      [
        '--token-env',
        'ONE',
        '--allowed-application-ids',
        'other-app',
        '--allowed-application-ids=third-app',
      ],
      { ONE: token },
    );
    expect(code).toBe(7);
    expect(err).toContain('expected one of "other-app", "third-app"');
  });

  it('takes comma-separated IDs in one --allowed-application-ids as the same list', async () => {
    const token = await mint(key, v1());
    const { code, err } = await runCheck(
      ['--allowed-application-ids', ' other-app ,third-app,other-app'],
      { CORGEA_TOKEN: token },
    );
    expect(code).toBe(7);
    expect(err).toContain('expected one of "other-app", "third-app"');
  });

  it('refuses an application ID with a space inside, with a fix for the flag, exit 2', async () => {
    const { code, err } = await runCheck(['--allowed-application-ids', 'other app'], {
      CORGEA_TOKEN: 'not read',
    });
    expect(code).toBe(2);
    expect(err).toContain(
      'error: Input --allowed-application-ids: expected application IDs without spaces inside, ' +
        'found "other app". Fix: repeat --allowed-application-ids for each application ID, or ' +
        'separate them with commas.',
    );
  });

  it('refuses a token given as a flag, exit 2', async () => {
    const { code, err } = await runCheck(['--token', 'eyJ.abc.def'], {});
    expect(code).toBe(2);
    expect(err).toContain('Input --token: a token on the command line is visible');
  });

  it('exits 2 when the token variable is empty', async () => {
    const { code, err } = await runCheck([], {});
    expect(code).toBe(2);
    expect(err).toContain('the environment variable CORGEA_TOKEN is empty or not set');
  });
});
