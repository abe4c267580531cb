/**
 * One attempt's time limit, through the real transport: a token endpoint on loopback that takes
 * the request and never answers. The attempt ends at timeout-seconds with its own message, and
 * the process is not held open afterwards by the timer.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { NetworkError } from '../../src/errors.js';
import { fetchToken } from '../../src/fetch-token.js';
import { silentLogger } from '../../src/log.js';
import { parseSettings } from '../../src/settings.js';

let server: Server;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer(() => {
    // Takes the request and says nothing.
  });
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('a token endpoint that never answers', () => {
  it(
    'ends the attempt at timeout-seconds with ' + 'a timeout NetworkError naming the host',
    async () => {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const settings = parseSettings(
        (name) =>
          ({
            provider: 'oidc',
            issuer: origin,
            'token-url': `${origin}/token`,
            'client-auth': 'post',
            'client-id': 'app',
            'client-secret': 'never-answered-secret',
            attempts: '1',
            'timeout-seconds': '1',
          })[name] ?? '',
      );

      const error = await fetchToken(settings, { log: silentLogger, protect: () => {} }).catch(
        (e: unknown) => e,
      );

      expect(error).toBeInstanceOf(NetworkError);
      expect((error as NetworkError).stage).toBe('timeout');
      expect((error as NetworkError).message).toContain(
        `No answer from ${new URL(origin).host} within 1 s`,
      );
    },
  );
});
