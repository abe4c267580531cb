import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { errorMessage, REPO_ROOT, runAction, spawnAndWait, type ActionRun } from '../e2e/runner.js';
import { actionRunPlaces, findLeaks } from '../support/leaks.js';
import type { Certificates } from '../support/tls.js';
import { certificates, closedPort, startProxy, startTlsServer, stopAll } from './loopback.js';

// Runs the bundles as built (`npm run build` first). runAction preloads test/e2e/loopback-only.cjs,
// so the `.invalid` host below fails as a name that does not exist without any DNS query.

const SECRET = 'diagnose-e2e-secret-7Qx9';
const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

function runAgainst(authorityHost: string, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    inputs: {
      'tenant-id': TENANT,
      'client-id': CLIENT,
      'client-secret': SECRET,
      'authority-host': authorityHost,
      attempts: '2',
      'timeout-seconds': '3',
    },
    env,
  });
}

function expectFailedWithoutLeaks(run: ActionRun): void {
  expect(run.exitCode).toBe(1);
  expect(findLeaks(actionRunPlaces(run), { 'client secret': SECRET })).toEqual([]);
}

let certs: Certificates;
beforeAll(async () => {
  certs = await certificates();
});
afterAll(stopAll);

describe('the action bundle ends a failed step with the connectivity diagnosis', () => {
  it('for a host that does not resolve', async () => {
    const run = await runAgainst('https://login.corgea-test.invalid');
    expectFailedWithoutLeaks(run);
    const text = errorMessage(run);
    expect(text).toContain('Connectivity diagnosis for https://login.corgea-test.invalid:443:');
    expect(text).toContain(
      'name resolution: login.corgea-test.invalid did not resolve (ENOTFOUND)',
    );
    expect(text).toContain('Fix: check the spelling of login.corgea-test.invalid in the inputs.');
    // Two attempts failed on the way to one host: one diagnosis.
    expect(text.split('Connectivity diagnosis for').length - 1).toBe(1);
  });

  it('for a refused port', async () => {
    const port = await closedPort();
    const run = await runAgainst(`https://127.0.0.1:${port}`);
    expectFailedWithoutLeaks(run);
    expect(errorMessage(run)).toContain(`TCP connect to 127.0.0.1:${port}: refused (ECONNREFUSED)`);
    expect(errorMessage(run)).toContain(
      `Fix: nothing accepts connections on port ${port} of 127.0.0.1`,
    );
  });

  it('for a proxy that refuses CONNECT to the target, naming the variable', async () => {
    const target = await startTlsServer(certs.localhost);
    const proxy = await startProxy([443]);
    const run = await runAgainst(`https://127.0.0.1:${target}`, {
      HTTPS_PROXY: `http://ci-user:proxy-pass-5521@127.0.0.1:${proxy}`,
      NO_PROXY: 'localhost',
    });
    expectFailedWithoutLeaks(run);
    const text = errorMessage(run);
    expect(text).toContain(
      `proxy: http://127.0.0.1:${proxy} from HTTPS_PROXY; no NO_PROXY entry matches 127.0.0.1`,
    );
    expect(text).toContain(`CONNECT 127.0.0.1:${target} through the proxy: refused (status 403)`);
    expect(findLeaks(actionRunPlaces(run), { 'proxy password': 'proxy-pass-5521' })).toEqual([]);
  });

  it('for an expired certificate from a CA the runner was told to trust', async () => {
    const port = await startTlsServer(certs.expired);
    const run = await runAgainst(`https://localhost:${port}`, {
      NODE_EXTRA_CA_CERTS: certs.ca.certPath,
    });
    expectFailedWithoutLeaks(run);
    expect(errorMessage(run)).toMatch(
      /TLS handshake with localhost: the certificate expired on \S+ \(CERT_HAS_EXPIRED\)/,
    );
    expect(errorMessage(run)).toContain('Fix: the certificate of localhost has expired');
  });

  it('for a certificate issued to another host name', async () => {
    const port = await startTlsServer(certs.otherHost);
    const run = await runAgainst(`https://127.0.0.1:${port}`, {
      NODE_EXTRA_CA_CERTS: certs.ca.certPath,
    });
    expectFailedWithoutLeaks(run);
    expect(errorMessage(run)).toContain(
      'TLS handshake with 127.0.0.1: the certificate names other.invalid, not 127.0.0.1 ' +
        '(ERR_TLS_CERT_ALTNAME_INVALID)',
    );
  });
});

describe('the command-line bundle prints the connectivity diagnosis', () => {
  it('after the error line, on stderr, with the same exit code as the action', async () => {
    const port = await closedPort();
    const result = await spawnAndWait(
      process.execPath,
      [
        path.join(REPO_ROOT, 'bin/corgea-idp-auth.cjs'),
        'token',
        '--tenant-id',
        TENANT,
        '--client-id',
        CLIENT,
        '--authority-host',
        `https://127.0.0.1:${port}`,
        '--attempts',
        '1',
      ],
      {
        env: {
          PATH: process.env['PATH'] ?? '/usr/bin:/bin',
          CORGEA_CLIENT_SECRET: SECRET,
          NODE_OPTIONS:
            '--require ' + JSON.stringify(path.join(REPO_ROOT, 'test/e2e/loopback-only.cjs')),
        },
      },
      20_000,
    );
    expect(result.exitCode).toBe(6);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /error: .*\nConnectivity diagnosis for https:\/\/127\.0\.0\.1:\d+:\n/,
    );
    expect(result.stderr).toContain(`TCP connect to 127.0.0.1:${port}: refused (ECONNREFUSED)`);
    expect(result.stderr).not.toContain(SECRET);
  });
});
