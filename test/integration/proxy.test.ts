/**
 * Proxies, through a real one: Debian's tinyproxy on loopback in front of the Entra stand-in,
 * over http (absolute-form requests) and https (CONNECT tunnels, the stand-in's certificate
 * trusted through NODE_EXTRA_CA_CERTS in a child process), with NO_PROXY, lower-case variables
 * and a proxy that refuses the tunnel.
 */
import path from 'node:path';

import { NetworkError } from '../../src/errors.js';
import { fetchToken } from '../../src/fetch-token.js';
import { nodeTransport } from '../../src/http/transport.js';
import { silentLogger } from '../../src/log.js';
import { parseSettings } from '../../src/settings.js';
import { REPO_ROOT, runAction, spawnAndWait } from '../e2e/runner.js';
import { startTinyproxy, type Tinyproxy } from '../peers/tinyproxy.js';
import {
  entraApp,
  startEntraStandIn,
  type EntraStandIn,
  type EntraTenant,
} from '../stand-ins/entra.js';
import { freeLoopbackPort } from '../support/ports.js';
import { makeTestCertificate, type TestCertificate } from '../support/tls.js';

const TENANT = '0b5e7c4a-1d2e-4f3a-9b8c-7d6e5f4a3b2c';
const APP = 'a11ce000-5e3c-4d2b-8a19-0f1e2d3c4b5a';
const SECRET = 'Px9~proxy.secret+&=%';
const TENANTS: EntraTenant[] = [
  {
    tenantId: TENANT,
    domains: [],
    apps: [entraApp(APP, SECRET)],
  },
];

let cert: TestCertificate;
let plain: EntraStandIn;
let secure: EntraStandIn;
let proxy: Tinyproxy;
let refusing: Tinyproxy;

beforeAll(async () => {
  cert = await makeTestCertificate();
  // One at a time, so that whatever started before a failure is assigned and stopped in afterAll.
  plain = await startEntraStandIn({ tenants: TENANTS });
  secure = await startEntraStandIn({ tenants: TENANTS, tls: { cert: cert.cert, key: cert.key } });
  proxy = await startTinyproxy({ connectPorts: [Number(new URL(secure.authority).port)] });
  // Tunnels only to a port where nothing runs: the stand-in's port is refused.
  refusing = await startTinyproxy({ connectPorts: [await freeLoopbackPort()] });
});
afterAll(async () => {
  await Promise.all([proxy?.stop(), refusing?.stop(), plain?.close(), secure?.close()]);
  await cert?.remove();
});

/** Fetches a token in this process with the given environment deciding the proxy. */
function fetchThrough(authority: string, env: Record<string, string>, attempts = '1') {
  const inputs: Record<string, string> = {
    'tenant-id': TENANT,
    'authority-host': authority,
    'client-id': APP,
    'client-secret': SECRET,
    attempts,
  };
  return fetchToken(
    parseSettings((name) => inputs[name] ?? ''),
    {
      log: silentLogger,
      protect: () => undefined,
      transport: nodeTransport({ env, userAgent: 'corgea-idp-auth-test' }),
    },
  );
}

/** tinyproxy writes its log as it goes; waits until `count` request lines stand in it. */
async function proxyRequests(of: Tinyproxy, count: number): Promise<string[]> {
  for (let i = 0; i < 40; i++) {
    const lines = await of.requests();
    if (lines.length >= count) return lines;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return of.requests();
}

const tokenPath = `/${TENANT}/oauth2/v2.0/token`;

describe('http targets through HTTP_PROXY', () => {
  test('HTTP_PROXY sends the token request to tinyproxy in absolute form', async () => {
    const before = (await proxy.requests()).length;
    const token = await fetchThrough(plain.authority, { HTTP_PROXY: proxy.url });

    expect(token.applicationId).toBe(APP);
    const lines = await proxyRequests(proxy, before + 1);
    expect(lines.slice(before)).toEqual([`POST ${plain.authority}${tokenPath} HTTP/1.1`]);
  });

  test('the lower-case http_proxy is honoured too', async () => {
    const before = (await proxy.requests()).length;
    await fetchThrough(plain.authority, { http_proxy: proxy.url });
    expect((await proxyRequests(proxy, before + 1)).slice(before)).toEqual([
      `POST ${plain.authority}${tokenPath} HTTP/1.1`,
    ]);
  });

  test('NO_PROXY naming the host sends the request direct: the proxy sees nothing', async () => {
    const before = (await proxy.requests()).length;
    const seen = plain.requests.length;
    await fetchThrough(plain.authority, { HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' });
    await fetchThrough(plain.authority, { http_proxy: proxy.url, no_proxy: '127.0.0.0/8' });

    expect(plain.requests.length).toBe(seen + 2);
    // Give tinyproxy the time it takes to log a request that would have reached it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await proxy.requests()).slice(before)).toEqual([]);
  });

  test('HTTPS_PROXY alone does not apply to an http target', async () => {
    const before = (await proxy.requests()).length;
    await fetchThrough(plain.authority, { HTTPS_PROXY: proxy.url });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await proxy.requests()).slice(before)).toEqual([]);
  });
});

describe('https targets through a CONNECT tunnel', () => {
  test(
    'the action bundle with HTTPS_PROXY tunnels ' + 'to the https stand-in and gets a token',
    async () => {
      const before = (await proxy.requests()).length;
      const seen = { requests: secure.requests.length, connections: secure.connections };
      const run = await runAction({
        inputs: {
          verify: 'false',
          'tenant-id': TENANT,
          'authority-host': secure.authority,
          'client-id': APP,
          'client-secret': SECRET,
        },
        env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: cert.certPath },
      });

      expect(run.stdoutLines.filter((line) => line.startsWith('::error::'))).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(run.outputs['issuer']).toBe(secure.issuer(TENANT, 1));
      const host = new URL(secure.authority).host;
      // The token request, and the claim check's key fetch, each through a tunnel of its own.
      const lines = (await proxyRequests(proxy, before + 1)).slice(before);
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(new Set(lines)).toEqual(new Set([`CONNECT ${host} HTTP/1.1`]));
      // Every connection the stand-in got came through a tunnel, and every tunnel carried a
      // request: a request that went direct would add a connection that no CONNECT line accounts
      // for.
      expect(secure.connections - seen.connections).toBe(lines.length);
      expect(secure.requests.length - seen.requests).toBe(lines.length);
    },
  );

  test('the command-line bundle with a lower-case https_proxy tunnels too', async () => {
    const before = (await proxy.requests()).length;
    const seen = { requests: secure.requests.length, connections: secure.connections };
    const run = await spawnAndWait(
      process.execPath,
      [
        path.join(REPO_ROOT, 'bin/corgea-idp-auth.cjs'),
        'token',
        '--tenant-id',
        TENANT,
        '--authority-host',
        secure.authority,
        '--client-id',
        APP,
        // The fetch alone, so that one tunnel carries one request.
        '--check-claims',
        'false',
        '--verify',
        'false',
      ],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          CORGEA_CLIENT_SECRET: SECRET,
          https_proxy: proxy.url,
          NODE_EXTRA_CA_CERTS: cert.certPath,
        },
      },
      20_000,
    );

    expect(run.stderr).not.toContain(SECRET);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const host = new URL(secure.authority).host;
    expect((await proxyRequests(proxy, before + 1)).slice(before)).toEqual([
      `CONNECT ${host} HTTP/1.1`,
    ]);
    expect(secure.connections - seen.connections).toBe(1);
    expect(secure.requests.length - seen.requests).toBe(1);
  });

  test(
    'without the CA the tunnel opens but TLS fails, ' + 'and the fix names NODE_EXTRA_CA_CERTS',
    async () => {
      const error = await fetchThrough(secure.authority, { HTTPS_PROXY: proxy.url }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(NetworkError);
      expect(error).toMatchObject({ stage: 'tls' });
      expect((error as Error).message).toContain(
        `through the proxy ${new URL(proxy.url).host} (from HTTPS_PROXY)`,
      );
      expect((error as Error).message).toContain('NODE_EXTRA_CA_CERTS');
    },
  );

  test('a proxy that refuses CONNECT to the port gives the proxy error and its fix', async () => {
    const host = new URL(secure.authority).host;
    const error = await fetchThrough(secure.authority, { HTTPS_PROXY: refusing.url }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ stage: 'proxy', host });
    expect((error as Error).message).toMatch(
      new RegExp(
        `proxy 127\\.0\\.0\\.1:${refusing.port} \\(from HTTPS_PROXY\\) refused to open a tunnel ` +
          `to ${host}: status 403`,
      ),
    );
    expect((error as Error).message).toContain(`allow CONNECT to ${host} on the proxy`);
    expect(await proxyRequests(refusing, 1)).toEqual([`CONNECT ${host} HTTP/1.1`]);
  });

  test('the action reports the refused tunnel in ::error:: without the secret', async () => {
    const run = await runAction({
      inputs: {
        verify: 'false',
        'tenant-id': TENANT,
        'authority-host': secure.authority,
        'client-id': APP,
        'client-secret': SECRET,
        attempts: '1',
      },
      env: { HTTPS_PROXY: refusing.url, NODE_EXTRA_CA_CERTS: cert.certPath },
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.stdoutLines.filter((line) => line.startsWith('::error::'))).toEqual([
      expect.stringMatching(/refused to open a tunnel to .*status 403/),
    ]);
    expect(`${run.stdoutLines.slice(1).join('\n')}${run.stderr}`).not.toContain(SECRET);
  });
});
