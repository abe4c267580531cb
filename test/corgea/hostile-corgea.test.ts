/**
 * `register` and `deregister` against a Corgea that answers with hostile values: ids that would
 * move the next request elsewhere, or that carry control characters and the admin credential
 * back into what the command prints. The server is a few lines here, on loopback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { runCli } from '../support/cli.js';

const ADMIN = 'corgea_admin_Tok3n_value_123456';
let server: Server;
let hostileId = '';
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}`);
      const config = {
        id: hostileId,
        name: 'github-x',
        issuer: 'https://sts.windows.net/t/',
        audience: 'api://x',
        allowed_application_ids: ['x'],
      };
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(req.method === 'GET' ? { configs: [config] } : config));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function env(): Record<string, string> {
  return {
    CORGEA_ADMIN_TOKEN: ADMIN,
    CORGEA_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  };
}

describe('a Corgea that answers with hostile configuration ids', () => {
  it.each(['..', '.', 'a/b', `1\n::set-output name=x::y\n${ADMIN}`])(
    'id %j is refused before any request uses it, and nothing is deleted',
    async (id) => {
      hostileId = id;
      seen.length = 0;
      const result = await runCli(['deregister', '--name', 'github-x'], env());

      expect(result.code).toBe(5);
      expect(result.stderr).toContain('whose "id" is not a plain identifier');
      expect(seen.filter((line) => !line.startsWith('GET '))).toEqual([]);
      expect(result.stdout + result.stderr).not.toContain(ADMIN);
    },
  );

  it('an id that merely holds the admin token is blanked in what register prints', async () => {
    hostileId = ADMIN;
    const result = await runCli(
      [
        'register',
        '--name',
        'github-x',
        '--issuer',
        'https://sts.windows.net/t/',
        '--audience',
        'api://x',
        '--allowed-application-ids',
        'x',
      ],
      env(),
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('unchanged JWT-auth configuration "github-x" (id ***)\n');
  });
});
