/**
 * A proxy password never reaches the output, on the command line and in the action (the bundle,
 * `npm run build` first), for a proxy variable with and without a scheme. The proxy here is a
 * loopback server that answers every request itself with an OAuth error whose description
 * echoes the credentials it was sent: the worst a proxy or a token endpoint behind it can do.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { runAction } from '../e2e/runner.js';
import { runCli } from '../support/cli.js';
import { actionRunPlaces, findLeaks } from '../support/leaks.js';

const TENANT = '7d3c4e5f-6071-4c8d-9eaf-102b3c4d5e6f';
const CLIENT = 'd4d4d4d4-0000-4000-8000-000000000004';
const SECRET = 'Proxy~test.Secret+1a7';
const PASSWORD = 'proxy-pw-5e1f';

let proxy: http.Server;
let address: string;
const seen: string[] = [];

beforeAll(async () => {
  proxy = http.createServer((req, res) => {
    const header = req.headers['proxy-authorization'] ?? '';
    const credentials = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');
    seen.push(credentials);
    res.writeHead(401, { 'Content-Type': 'application/json', Connection: 'close' }).end(
      JSON.stringify({
        error: 'invalid_client',
        error_description:
          `AADSTS7000215: Invalid client secret. Proxy credentials: ` + `${credentials}`,
        error_codes: [7000215],
      }),
    );
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  address = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

const forms = [
  ['without a scheme', () => `alice:${PASSWORD}@${address}`],
  ['with http://', () => `http://alice:${PASSWORD}@${address}`],
] as const;

describe('a proxy password echoed back by the proxy', () => {
  it.each(forms)('is redacted on the command line (HTTP_PROXY %s)', async (_form, value) => {
    seen.length = 0;
    const { code, stdout, stderr } = await runCli(
      [
        'token',
        '--tenant-id',
        TENANT,
        '--client-id',
        CLIENT,
        '--authority-host',
        `http://${address}`,
        '--attempts',
        '1',
      ],
      { CORGEA_CLIENT_SECRET: SECRET, HTTP_PROXY: value() },
    );

    // The proxy did get the password, and its echo did reach the message, redacted.
    expect(seen).toEqual([`alice:${PASSWORD}`]);
    expect(code).toBe(4);
    expect(stderr).toContain('Proxy credentials: alice:***');
    expect(
      findLeaks({ stdout, stderr }, { 'proxy password': PASSWORD, 'client secret': SECRET }),
    ).toEqual([]);
  });

  it.each(forms)('is masked and redacted in the action (HTTP_PROXY %s)', async (_form, value) => {
    seen.length = 0;
    const run = await runAction({
      inputs: {
        'tenant-id': TENANT,
        'client-id': CLIENT,
        'client-secret': SECRET,
        'authority-host': `http://${address}`,
        attempts: '1',
      },
      env: { HTTP_PROXY: value() },
    });

    expect(seen).toEqual([`alice:${PASSWORD}`]);
    expect(run.exitCode).toBe(1);
    // Masked before anything else runs: the mask command comes before every other line.
    expect(run.stdoutLines.indexOf(`::add-mask::${PASSWORD}`)).toBeGreaterThanOrEqual(0);
    const firstOther = run.stdoutLines.findIndex((line) => !line.startsWith('::add-mask::'));
    expect(run.stdoutLines.indexOf(`::add-mask::${PASSWORD}`)).toBeLessThan(firstOther);
    expect(run.stdout).toContain('Proxy credentials: alice:***');
    expect(
      findLeaks(actionRunPlaces(run), { 'proxy password': PASSWORD, 'client secret': SECRET }),
    ).toEqual([]);
  });
});
