import { describe, expect, it } from '@jest/globals';

import {
  diagnoseFailure,
  diagnoseNetworkErrors,
  render,
} from '../../src/diagnose/diagnose-failure.js';
import type {
  Connection,
  Endpoint,
  Handshake,
  Probes,
  Resolution,
  Tunnel,
  TunnelRequest,
} from '../../src/diagnose/probes.js';
import { NetworkError, type NetworkRoute } from '../../src/errors.js';

/** Probes that answer from a table and record every question, so tests see where probes went. */
function fakeProbes(answers: {
  resolve?: Record<string, Resolution>;
  connect?: Record<string, Connection>;
  handshake?: Handshake;
  tunnel?: Tunnel;
}) {
  const asked: string[] = [];
  const tunnels: TunnelRequest[] = [];
  const probes: Probes = {
    resolve: async (hostname) => {
      asked.push(`resolve ${hostname}`);
      return answers.resolve?.[hostname] ?? { ok: false, code: 'ENOTFOUND' };
    },
    connect: async ({ address, port }: Endpoint) => {
      asked.push(`connect ${address}:${port}`);
      return answers.connect?.[`${address}:${port}`] ?? { ok: false, code: 'ECONNREFUSED' };
    },
    handshake: async ({ address, port }: Endpoint, hostname) => {
      asked.push(`handshake ${address}:${port} ${hostname}`);
      return answers.handshake ?? { ok: false, code: 'ECONNRESET' };
    },
    tunnel: async (request) => {
      asked.push(`tunnel ${request.proxy.address}:${request.proxy.port} ${request.authority}`);
      tunnels.push(request);
      return answers.tunnel ?? { ok: false, code: 'ECONNRESET' };
    },
  };
  return { probes, asked, tunnels };
}

const certificate = {
  subject: 'api.corgea.invalid',
  issuer: 'Corp Inspection CA',
  validFrom: '2024-01-01T00:00:00.000Z',
  validTo: '2025-01-01T00:00:00.000Z',
  altNames: 'DNS:api.corgea.invalid',
};

const direct: NetworkRoute = { protocol: 'https:', hostname: 'api.corgea.invalid', port: 443 };
const resolved = { 'api.corgea.invalid': { ok: true, addresses: ['192.0.2.10'] } as const };
const reachable = { '192.0.2.10:443': { ok: true } as const };

function failure(route: NetworkRoute, systemCode = 'ECONNRESET'): NetworkError {
  return new NetworkError(
    { stage: 'connection', host: route.hostname, systemCode, route },
    'failed.',
  );
}

async function diagnose(
  route: NetworkRoute,
  probes: Probes,
  env: Record<string, string> = {},
): Promise<string> {
  const text = await diagnoseFailure(failure(route), { probes, env, timeoutMs: 500 });
  if (text === undefined) throw new Error('expected a diagnosis');
  return text;
}

describe('connectivity diagnosis, stage by stage', () => {
  it('stops at name resolution when the host does not resolve, and names the host', async () => {
    const { probes, asked } = fakeProbes({});
    const text = await diagnose(direct, probes);
    expect(text.split('\n')).toEqual([
      'Connectivity diagnosis for https://api.corgea.invalid:443:',
      '  proxy: none; no proxy variable is set for https ' +
        '(https_proxy, HTTPS_PROXY, all_proxy, ALL_PROXY)',
      '  name resolution: api.corgea.invalid did not resolve (ENOTFOUND)',
      expect.stringMatching(/^ {2}Fix: check the spelling of api\.corgea\.invalid in the inputs\./),
    ]);
    expect(asked).toEqual(['resolve api.corgea.invalid']);
  });

  it('says that a resolver that does not answer is a DNS server problem', async () => {
    const { probes } = fakeProbes({
      resolve: { 'api.corgea.invalid': { ok: false, code: 'ETIMEDOUT' } },
    });
    const text = await diagnose(direct, probes);
    expect(text).toContain('name resolution: no answer for api.corgea.invalid within 0.5 s');
    expect(text).toContain("Fix: the runner's DNS servers did not answer");
  });

  it('blames the NO_PROXY entry when it sends an unresolvable host direct', async () => {
    const { probes } = fakeProbes({});
    const route = { ...direct, noProxyMatch: '.invalid', bypassedVariable: 'HTTPS_PROXY' };
    const text = await diagnose(route, probes);
    expect(text).toContain(
      'proxy: none; the NO_PROXY entry ".invalid" matches api.corgea.invalid, ' +
        'so HTTPS_PROXY is not used',
    );
    expect(text).toContain('Fix: the NO_PROXY entry ".invalid" sends api.corgea.invalid direct');
  });

  it('skips resolution for an IP address and reports a refused port with its fix', async () => {
    const { probes, asked } = fakeProbes({});
    const text = await diagnose({ protocol: 'https:', hostname: '127.0.0.1', port: 8443 }, probes);
    expect(text).toContain('name resolution: not needed, 127.0.0.1 is an IP address');
    expect(text).toContain('TCP connect to 127.0.0.1:8443: refused (ECONNREFUSED)');
    expect(text).toContain('Fix: nothing accepts connections on port 8443 of 127.0.0.1');
    expect(asked).toEqual(['connect 127.0.0.1:8443']);
  });

  it('reports a connect that times out as dropped traffic', async () => {
    const { probes } = fakeProbes({
      resolve: resolved,
      connect: { '192.0.2.10:443': { ok: false, code: 'ETIMEDOUT' } },
    });
    const text = await diagnose(direct, probes);
    expect(text).toContain('name resolution: api.corgea.invalid resolved to 192.0.2.10');
    expect(text).toContain('TCP connect to 192.0.2.10:443: timed out after 0.5 s');
    expect(text).toContain('Fix: packets to 192.0.2.10:443 are dropped');
  });

  it('tries the next address when the first refuses, and goes on to TLS', async () => {
    const { probes, asked } = fakeProbes({
      resolve: { 'api.corgea.invalid': { ok: true, addresses: ['2001:db8::1', '192.0.2.10'] } },
      connect: reachable,
      handshake: { ok: true, verifyError: undefined, certificate },
    });
    const text = await diagnose(direct, probes);
    expect(text).toContain('TCP connect to [2001:db8::1]:443: refused (ECONNREFUSED)');
    expect(text).toContain('TCP connect to 192.0.2.10:443: ok');
    expect(asked).toContain('handshake 192.0.2.10:443 api.corgea.invalid');
  });

  it('says every stage passes now, naming the original failure, when nothing fails', async () => {
    const { probes } = fakeProbes({
      resolve: resolved,
      connect: reachable,
      handshake: { ok: true, verifyError: undefined, certificate },
    });
    const text = await diagnose(direct, probes);
    expect(text).toContain(
      'TLS handshake with api.corgea.invalid: ok, certificate for api.corgea.invalid issued by ' +
        'Corp Inspection CA, valid until 2025-01-01T00:00:00.000Z',
    );
    expect(text).toContain('every stage succeeds now; the failure (ECONNRESET) did not recur');
    expect(text).toContain('Fix: the failure was likely passing');
  });

  it('does not probe TLS for a plain http URL', async () => {
    const { probes, asked } = fakeProbes({ connect: { '127.0.0.1:8080': { ok: true } } });
    const text = await diagnose({ protocol: 'http:', hostname: '127.0.0.1', port: 8080 }, probes);
    expect(asked).toEqual(['connect 127.0.0.1:8080']);
    expect(text).toContain(
      'proxy: none; no proxy variable is set for http (http_proxy, HTTP_PROXY',
    );
  });
});

describe('connectivity diagnosis of TLS certificates', () => {
  const cases: [string, string, RegExp][] = [
    [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'the certificate is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT); subject api.corgea.invalid',
      /Fix: the server presents a self-signed certificate.*NODE_EXTRA_CA_CERTS/,
    ],
    [
      'SELF_SIGNED_CERT_IN_CHAIN',
      'the chain ends in a self-signed CA the runner does not trust (SELF_SIGNED_CERT_IN_CHAIN); ' +
        'issuer Corp Inspection CA',
      /Fix: a proxy or firewall that inspects TLS.*NODE_EXTRA_CA_CERTS/,
    ],
    [
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      'the issuer Corp Inspection CA is not trusted (UNABLE_TO_GET_ISSUER_CERT_LOCALLY)',
      /Fix: a proxy or firewall that inspects TLS.*NODE_EXTRA_CA_CERTS/,
    ],
    [
      'CERT_HAS_EXPIRED',
      'the certificate expired on 2025-01-01T00:00:00.000Z (CERT_HAS_EXPIRED)',
      /Fix: the certificate of api\.corgea\.invalid has expired/,
    ],
    [
      'CERT_NOT_YET_VALID',
      'the certificate is not valid before 2024-01-01T00:00:00.000Z (CERT_NOT_YET_VALID)',
      /Fix: the certificate of api\.corgea\.invalid is dated in the future/,
    ],
    [
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'the certificate names other.invalid, 127.0.0.2, not api.corgea.invalid ' +
        '(ERR_TLS_CERT_ALTNAME_INVALID)',
      /Fix: use a host name the certificate names/,
    ],
    [
      'CERT_REVOKED',
      'the certificate was rejected (CERT_REVOKED)',
      /Fix: the certificate of api\.corgea\.invalid cannot be verified \(CERT_REVOKED\)/,
    ],
  ];

  it.each(cases)('names %s with its own line and fix', async (code, line, fix) => {
    const altNames =
      code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? 'DNS:other.invalid, IP Address:127.0.0.2'
        : certificate.altNames;
    const { probes } = fakeProbes({
      resolve: resolved,
      connect: reachable,
      handshake: { ok: true, verifyError: code, certificate: { ...certificate, altNames } },
    });
    const text = await diagnose(direct, probes);
    expect(text).toContain(`TLS handshake with api.corgea.invalid: ${line}`);
    expect(text).toMatch(fix);
  });

  it('says when the port does not speak TLS', async () => {
    const { probes } = fakeProbes({
      resolve: resolved,
      connect: reachable,
      handshake: { ok: false, code: 'ERR_SSL_WRONG_VERSION_NUMBER' },
    });
    const text = await diagnose(direct, probes);
    expect(text).toContain(
      'TLS handshake with api.corgea.invalid: the server does not speak TLS on this port ' +
        '(ERR_SSL_WRONG_VERSION_NUMBER)',
    );
    expect(text).toContain('Fix: port 443 of api.corgea.invalid serves something other than TLS');
  });
});

describe('connectivity diagnosis through a proxy', () => {
  const proxied: NetworkRoute = {
    ...direct,
    proxy: { protocol: 'http:', hostname: '127.0.0.1', port: 3128, variable: 'HTTPS_PROXY' },
  };
  const proxyUp = { '127.0.0.1:3128': { ok: true } as const };

  it(
    'names the variable, that NO_PROXY did not match, ' + 'and a CONNECT the proxy refuses',
    async () => {
      const { probes, asked } = fakeProbes({
        connect: proxyUp,
        tunnel: { ok: true, status: 403, handshake: undefined },
      });
      const text = await diagnose(proxied, probes, { NO_PROXY: 'localhost,.internal' });
      expect(text.split('\n').slice(1, -1)).toEqual([
        '  proxy: http://127.0.0.1:3128 from HTTPS_PROXY; no NO_PROXY entry matches api.corgea.invalid',
        '  name resolution: not needed, 127.0.0.1 is an IP address',
        '  TCP connect to 127.0.0.1:3128: ok',
        '  CONNECT api.corgea.invalid:443 through the proxy: refused (status 403)',
      ]);
      expect(text).toContain(
        'Fix: the proxy does not allow tunnels to api.corgea.invalid:443: ask its operators to ' +
          'allow CONNECT to port 443',
      );
      // The target's name is the proxy's to resolve: the diagnosis never looks it up itself.
      expect(asked).toEqual([
        'connect 127.0.0.1:3128',
        'tunnel 127.0.0.1:3128 api.corgea.invalid:443',
      ]);
    },
  );

  it('says NO_PROXY is not set when it is not', async () => {
    const { probes } = fakeProbes({
      connect: proxyUp,
      tunnel: { ok: true, status: 403, handshake: undefined },
    });
    const text = await diagnose(proxied, probes);
    expect(text).toContain('proxy: http://127.0.0.1:3128 from HTTPS_PROXY; NO_PROXY is not set');
  });

  it(
    'reports a proxy that refuses connections ' + 'as a proxy problem naming its variable',
    async () => {
      const { probes } = fakeProbes({});
      const text = await diagnose(proxied, probes);
      expect(text).toContain('TCP connect to 127.0.0.1:3128: refused (ECONNREFUSED)');
      expect(text).toContain(
        'Fix: nothing accepts connections at the proxy 127.0.0.1:3128: ' +
          'correct the port in HTTPS_PROXY',
      );
    },
  );

  it('reports a proxy host that does not resolve', async () => {
    const route: NetworkRoute = {
      ...direct,
      proxy: { ...proxied.proxy!, hostname: 'proxy.corp.invalid' },
    };
    const { probes } = fakeProbes({});
    const text = await diagnose(route, probes);
    expect(text).toContain('name resolution: proxy.corp.invalid did not resolve (ENOTFOUND)');
    expect(text).toContain('Fix: correct the proxy host in HTTPS_PROXY');
  });

  it(
    'asks for credentials on 407 and sends those ' + 'of the proxy URL without printing them',
    async () => {
      const { probes, tunnels } = fakeProbes({
        connect: proxyUp,
        tunnel: { ok: true, status: 407, handshake: undefined },
      });
      const bare = await diagnose(proxied, probes, { HTTPS_PROXY: 'http://127.0.0.1:3128' });
      expect(bare).toContain('the proxy wants credentials (status 407)');
      expect(tunnels[0]?.headers).toEqual({});

      const withUser = await diagnose(proxied, probes, {
        HTTPS_PROXY: 'http://ci:s3cret-pw@127.0.0.1:3128',
      });
      expect(withUser).toContain('the proxy refused the credentials from HTTPS_PROXY (status 407)');
      expect(tunnels[1]?.headers).toEqual({
        'Proxy-Authorization': `Basic ${Buffer.from('ci:s3cret-pw').toString('base64')}`,
      });
      expect(withUser).not.toContain('s3cret-pw');
      expect(withUser).not.toContain(Buffer.from('ci:s3cret-pw').toString('base64'));
    },
  );

  it('checks TLS through an accepted tunnel and names a TLS-inspecting CA', async () => {
    const { probes } = fakeProbes({
      connect: proxyUp,
      tunnel: {
        ok: true,
        status: 200,
        handshake: { ok: true, verifyError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', certificate },
      },
    });
    const text = await diagnose(proxied, probes);
    expect(text).toContain(
      'CONNECT api.corgea.invalid:443 through the proxy: accepted (status 200)',
    );
    expect(text).toContain(
      'TLS handshake with api.corgea.invalid through the proxy: ' +
        'the issuer Corp Inspection CA is not trusted',
    );
    expect(text).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('reports a proxy that hangs up on CONNECT', async () => {
    const { probes } = fakeProbes({ connect: proxyUp, tunnel: { ok: false, code: 'ECONNRESET' } });
    const text = await diagnose(proxied, probes);
    expect(text).toContain('the proxy closed the connection without an answer (ECONNRESET)');
    expect(text).toContain('check that it is an HTTP proxy (not SOCKS)');
  });
});

describe('which failures get a diagnosis', () => {
  it(
    'diagnoses several failures on the way to one host once, ' + 'and each other host once',
    async () => {
      const { probes, asked } = fakeProbes({});
      const other: NetworkRoute = { ...direct, hostname: 'login.idp.invalid' };
      const diagnoses = await diagnoseNetworkErrors(
        [failure(direct), failure(direct, 'ETIMEDOUT'), failure(other)],
        { probes, env: {}, timeoutMs: 500 },
      );
      expect(diagnoses.map((d) => d.heading)).toEqual([
        'Connectivity diagnosis for https://api.corgea.invalid:443:',
        'Connectivity diagnosis for https://login.idp.invalid:443:',
      ]);
      expect(asked).toEqual(['resolve api.corgea.invalid', 'resolve login.idp.invalid']);
      expect(diagnoses.map((d) => d.failedStage)).toEqual(['dns', 'dns']);
    },
  );

  it('finds a network error in a cause and gives nothing for other failures', async () => {
    const { probes } = fakeProbes({});
    const wrapped = new Error('outer', { cause: failure(direct) });
    expect(await diagnoseFailure(wrapped, { probes, env: {} })).toContain('did not resolve');
    expect(
      await diagnoseFailure(new Error('not the network'), { probes, env: {} }),
    ).toBeUndefined();
    const noRoute = new NetworkError({ stage: 'dns', host: 'x.invalid' }, 'failed.');
    expect(await diagnoseFailure(noRoute, { probes, env: {} })).toBeUndefined();
  });

  it('renders the heading, indented stage lines and the fix last', async () => {
    const { probes } = fakeProbes({});
    const [diagnosis] = await diagnoseNetworkErrors([failure(direct)], { probes, env: {} });
    const lines = render(diagnosis!).split('\n');
    expect(lines[0]).toBe(diagnosis!.heading);
    expect(lines.slice(1).every((line) => line.startsWith('  '))).toBe(true);
    expect(lines.at(-1)).toMatch(/^ {2}Fix: /);
  });
});

describe('render', () => {
  it('makes each line one line and inert, since certificate names come from their issuer', () => {
    const text = render({
      heading: 'Connectivity diagnosis for https://127.0.0.1:1',
      lines: ['TLS handshake: certificate for "evil\u001b]0;x\u0007\nname"'],
      fix: 'trust the CA',
      failedStage: 'tls',
    });
    expect(text.split('\n')).toHaveLength(3);
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(text).toContain('\\x1B]0;x\\x07 name');
  });
});
