/**
 * A server that answers with more than 1 MiB: the transport stops reading, and the request fails
 * at once with a message that says so, not after retries blaming a login page.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { ResponseError } from '../../src/errors.js';
import { sendWithRetries } from '../../src/http/get-json.js';
import { systemClock } from '../../src/http/retry.js';
import { nodeTransport } from '../../src/http/transport.js';

let server: Server;
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(`{"keys":[${'"x",'.repeat(400_000)}"x"]}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('an answer larger than 1 MiB', () => {
  it('fails on the first attempt with a ResponseError naming the size', async () => {
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`);
    const context = {
      transport: nodeTransport({ env: {} }),
      clock: systemClock,
      attempts: 3,
      timeoutMs: 5000,
      debug: () => {},
    };

    const error = await sendWithRetries(context, { method: 'GET', url, headers: {} }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).message).toContain('is larger than 1 MiB');
    expect(requests).toBe(1);
  });
});
