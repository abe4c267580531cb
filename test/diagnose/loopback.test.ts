import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { diagnoseFailure } from '../../src/diagnose/diagnose-failure.js';
import { nodeProbes, type Lookup } from '../../src/diagnose/node-probes.js';
import { NetworkError } from '../../src/errors.js';
import { nodeTransport } from '../../src/http/transport.js';
import type { Certificates } from '../support/tls.js';
import {
  certificates,
  closedPort,
  startPlainHttpServer,
  startCountingTlsServer,
  startSilentServer,
  startProxy,
  startTlsServer,
  stopAll,
} from './loopback.js';

const TIMEOUT_MS = 1500;

/** Sends one GET with the node transport and returns the network error it fails with. */
async function failingRequest(
  url: string,
  env: Record<string, string> = {},
): Promise<NetworkError> {
  const transport = nodeTransport({ env });
  const error = await transport({
    method: 'GET',
    url: new URL(url),
    headers: {},
    timeoutMs: TIMEOUT_MS,
  }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof NetworkError))
    throw new Error(`expected a NetworkError, got ${String(error)}`);
  return error;
}

async function diagnosisOf(error: NetworkError, env: Record<string, string> = {}): Promise<string> {
  const text = await diagnoseFailure(error, { env, timeoutMs: TIMEOUT_MS });
  if (text === undefined) throw new Error('expected a diagnosis');
  return text;
}

let certs: Certificates;
beforeAll(async () => {
  certs = await certificates();
});
afterAll(stopAll);

describe('connectivity diagnosis against loopback peers', () => {
  it('reports a refused port after the request to it failed', async () => {
    const port = await closedPort();
    const text = await diagnosisOf(await failingRequest(`https://127.0.0.1:${port}/token`));
    expect(text).toContain(`Connectivity diagnosis for https://127.0.0.1:${port}:`);
    expect(text).toContain(`TCP connect to 127.0.0.1:${port}: refused (ECONNREFUSED)`);
    expect(text).toContain(`Fix: nothing accepts connections on port ${port} of 127.0.0.1`);
  });

  it('names a self-signed certificate as such', async () => {
    const port = await startTlsServer(certs.selfSigned);
    const error = await failingRequest(`https://127.0.0.1:${port}/`);
    expect(error.stage).toBe('tls');
    const text = await diagnosisOf(error);
    expect(text).toContain(`TCP connect to 127.0.0.1:${port}: ok`);
    expect(text).toContain(
      'TLS handshake with 127.0.0.1: the certificate is self-signed ' +
        '(DEPTH_ZERO_SELF_SIGNED_CERT); subject localhost',
    );
    expect(text).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('names a certificate from an issuer the runner does not trust', async () => {
    const port = await startTlsServer(certs.localhost);
    const text = await diagnosisOf(await failingRequest(`https://localhost:${port}/`));
    expect(text).toMatch(/name resolution: localhost resolved to (127\.0\.0\.1|::1)/);
    expect(text).toContain(
      'TLS handshake with localhost: the issuer Diagnosis Test CA is not trusted ' +
        '(UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
    );
    expect(text).toContain('Fix: a proxy or firewall that inspects TLS, or a private CA');
  });

  it('says when an https URL points at a port that does not speak TLS', async () => {
    const port = await startPlainHttpServer();
    const text = await diagnosisOf(await failingRequest(`https://127.0.0.1:${port}/`));
    expect(text).toContain(
      'TLS handshake with 127.0.0.1: the server does not speak TLS on this port',
    );
    expect(text).toContain(`Fix: port ${port} of 127.0.0.1 serves something other than TLS`);
  });

  it('reports a TLS handshake that gets no answer', async () => {
    const port = await startSilentServer();
    const error = await failingRequest(`https://127.0.0.1:${port}/`);
    expect(error.stage).toBe('timeout');
    const text = await diagnosisOf(error);
    expect(text).toContain('TLS handshake with 127.0.0.1: no answer within 1.5 s');
  });

  it('resolves names with the injected resolver, so .invalid names never reach DNS', async () => {
    const asked: string[] = [];
    const lookup: Lookup = async (hostname) => {
      asked.push(hostname);
      if (hostname.endsWith('.invalid'))
        throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      throw new Error(`the test resolver was asked for ${hostname}`);
    };
    const route = { protocol: 'https:' as const, hostname: 'login.corgea-test.invalid', port: 443 };
    const error = new NetworkError(
      { stage: 'dns', host: route.hostname, systemCode: 'ENOTFOUND', route },
      'x.',
    );
    const text = await diagnoseFailure(error, {
      env: {},
      probes: nodeProbes({ timeoutMs: TIMEOUT_MS, lookup }),
    });
    expect(text).toContain(
      'name resolution: login.corgea-test.invalid did not resolve (ENOTFOUND)',
    );
    expect(asked).toEqual(['login.corgea-test.invalid']);
  });
});

describe('connectivity diagnosis through tinyproxy', () => {
  it('names the proxy variable and a CONNECT the proxy refuses for the target port', async () => {
    const target = await startTlsServer(certs.localhost);
    const proxy = await startProxy([443]);
    const env = { HTTPS_PROXY: `http://127.0.0.1:${proxy}`, NO_PROXY: 'localhost,.internal' };
    const error = await failingRequest(`https://127.0.0.1:${target}/`, env);
    expect(error.stage).toBe('proxy');
    const text = await diagnosisOf(error, env);
    expect(text.split('\n').slice(1, -1)).toEqual([
      `  proxy: http://127.0.0.1:${proxy} from HTTPS_PROXY; no NO_PROXY entry matches 127.0.0.1`,
      '  name resolution: not needed, 127.0.0.1 is an IP address',
      `  TCP connect to 127.0.0.1:${proxy}: ok`,
      `  CONNECT 127.0.0.1:${target} through the proxy: refused (status 403)`,
    ]);
    expect(text).toContain(`ask its operators to allow CONNECT to port ${target} of 127.0.0.1`);
  });

  it(
    'goes through a tunnel the proxy accepts ' + 'and checks TLS with the target behind it',
    async () => {
      const target = await startTlsServer(certs.selfSigned);
      const proxy = await startProxy([target]);
      const env = { https_proxy: `http://127.0.0.1:${proxy}` };
      const text = await diagnosisOf(
        await failingRequest(`https://127.0.0.1:${target}/`, env),
        env,
      );
      expect(text).toContain(
        `proxy: http://127.0.0.1:${proxy} from https_proxy; NO_PROXY is not set`,
      );
      expect(text).toContain(
        `CONNECT 127.0.0.1:${target} through the proxy: accepted (status 200)`,
      );
      expect(text).toContain(
        'TLS handshake with 127.0.0.1 through the proxy: the certificate is self-signed ' +
          '(DEPTH_ZERO_SELF_SIGNED_CERT)',
      );
    },
  );

  it('sends an https request through the CONNECT tunnel, not beside it', async () => {
    const target = await startCountingTlsServer(certs.selfSigned);
    const proxy = await startProxy([target.port]);
    const error = await failingRequest(`https://127.0.0.1:${target.port}/`, {
      HTTPS_PROXY: `http://127.0.0.1:${proxy}`,
    });
    expect(error.stage).toBe('tls');
    expect(error.message).toContain(`through the proxy 127.0.0.1:${proxy} (from HTTPS_PROXY)`);
    // The proxy's one connection: a second one would be the request dialling the target itself.
    expect(target.connections()).toBe(1);
  });

  it('says which NO_PROXY entry sent the request direct', async () => {
    const port = await closedPort();
    const proxyPort = await closedPort();
    const env = {
      HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`,
      NO_PROXY: 'example.invalid, 127.0.0.1',
    };
    const text = await diagnosisOf(await failingRequest(`https://127.0.0.1:${port}/`, env), env);
    expect(text).toContain(
      'proxy: none; the NO_PROXY entry "127.0.0.1" matches 127.0.0.1, so HTTPS_PROXY is not used',
    );
    expect(text).toContain(`TCP connect to 127.0.0.1:${port}: refused (ECONNREFUSED)`);
  });

  it('reports a proxy that is not running as a proxy problem', async () => {
    const proxyPort = await closedPort();
    const env = { HTTPS_PROXY: `http://ci:proxy-pw-8812@127.0.0.1:${proxyPort}` };
    const error = await failingRequest('https://127.0.0.1:9/', env);
    expect(error.route?.proxy).toEqual({
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: proxyPort,
      variable: 'HTTPS_PROXY',
    });
    expect(JSON.stringify(error.route)).not.toContain('proxy-pw-8812');
    const text = await diagnosisOf(error, env);
    expect(text).toContain(`TCP connect to 127.0.0.1:${proxyPort}: refused (ECONNREFUSED)`);
    expect(text).not.toContain('proxy-pw-8812');
    expect(text).toContain(
      `Fix: nothing accepts connections at the proxy 127.0.0.1:${proxyPort}: ` +
        'correct the port in HTTPS_PROXY',
    );
  });
});
