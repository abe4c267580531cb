/**
 * A failure message quotes what an outside party sent (an OAuth error description), which can be
 * of any size and can echo the client secret. The command line redacts first and cuts after, so
 * a secret straddling the cut never shows its first characters.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { MAX_MESSAGE_LENGTH } from '../../src/secret.js';
import { runCli } from '../support/cli.js';

const SECRET = 'Long~Message.Secret_7f3a9c';
let server: Server;
let padding = 0;

beforeAll(async () => {
  // An identity provider that answers every request with invalid_client and a description
  // padded so that the echoed secret sits wherever the test puts it.
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          error: 'invalid_client',
          error_description: `${'x'.repeat(padding)}${SECRET} and more ${'y'.repeat(10_000)}`,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function token(): Promise<{ code: number; stderr: string }> {
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { code, stderr } = await runCli(
    [
      'token',
      '--provider',
      'oidc',
      '--issuer',
      origin,
      '--token-url',
      `${origin}/token`,
      '--client-auth',
      'post',
      '--client-id',
      'app',
      '--attempts',
      '1',
    ],
    { CORGEA_CLIENT_SECRET: SECRET },
  );
  return { code, stderr };
}

describe('a failure message with a huge description that echoes the secret', () => {
  it.each([MAX_MESSAGE_LENGTH - 120, MAX_MESSAGE_LENGTH - 100, MAX_MESSAGE_LENGTH - 80])(
    'is cut after redaction: no part of the secret shows (secret at %i)',
    async (at) => {
      padding = at;
      const { code, stderr } = await token();

      expect(code).toBe(4);
      const line = stderr.split('\n').find((l) => l.startsWith('error: '));
      expect(line).toBeDefined();
      expect(line!.length).toBeLessThan(MAX_MESSAGE_LENGTH + 100);
      expect(line).toMatch(/more characters\)/);
      expect(stderr).not.toContain(SECRET.slice(0, 6));
    },
  );
});
