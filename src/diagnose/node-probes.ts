import { promises as dns } from 'node:dns';
import net from 'node:net';
import tls from 'node:tls';

import {
  TIMED_OUT,
  type CertificateSummary,
  type Connection,
  type Endpoint,
  type Handshake,
  type Probes,
  type Resolution,
  type Tunnel,
  type TunnelRequest,
} from './probes.js';

/** Resolves a name to its addresses, as `dns.promises.lookup` with `all: true` does. */
export type Lookup = (hostname: string) => Promise<readonly { address: string }[]>;

export interface NodeProbeOptions {
  /** Limit for each probe on its own; the diagnosis runs only after a failure, so keep it short. */
  readonly timeoutMs: number;
  /** The system resolver unless a test puts its own in place. */
  readonly lookup?: Lookup;
}

/**
 * The probes on node's own `dns`, `net` and `tls`. The TLS handshakes verify with node's trust
 * store (including `NODE_EXTRA_CA_CERTS`) exactly as the request did, but finish even when the
 * certificate is rejected, so that the diagnosis can say what the certificate holds. No probe
 * sends anything beyond a handshake or a CONNECT line.
 */
export function nodeProbes(options: NodeProbeOptions): Probes {
  const { timeoutMs } = options;
  const lookup: Lookup = options.lookup ?? ((hostname) => dns.lookup(hostname, { all: true }));
  return {
    resolve: (hostname) => resolve(lookup, hostname, timeoutMs),
    connect: (endpoint) => connect(endpoint, timeoutMs),
    handshake: (endpoint, hostname) =>
      withSocket(timeoutMs, (done) => {
        const socket = tls.connect({
          ...tlsOptions(hostname),
          host: endpoint.address,
          port: endpoint.port,
        });
        whenSecure(socket, done);
        return socket;
      }),
    tunnel: (request) => tunnel(request, timeoutMs),
  };
}

async function resolve(lookup: Lookup, hostname: string, timeoutMs: number): Promise<Resolution> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Resolution>((done) => {
    timer = setTimeout(() => done({ ok: false, code: TIMED_OUT }), timeoutMs);
  });
  const answer = lookup(hostname).then(
    (entries): Resolution => ({ ok: true, addresses: entries.map((entry) => entry.address) }),
    (error: unknown): Resolution => ({ ok: false, code: errorCode(error) }),
  );
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function connect(endpoint: Endpoint, timeoutMs: number): Promise<Connection> {
  return withSocket(timeoutMs, (done) => {
    const socket = net.connect({ host: endpoint.address, port: endpoint.port });
    socket.once('connect', () => done({ ok: true }));
    return socket;
  });
}

/**
 * Runs one socket conversation under a time limit; the socket is destroyed when it settles. A
 * conversation that wraps its socket in TLS hands the wrapper to `adopt`, and the wrapper is
 * destroyed instead: on node 20, destroying a socket and then, at once, the TLS socket on top of
 * it crashes the process (segmentation fault), while destroying the wrapper alone closes both.
 */
function withSocket<T>(
  timeoutMs: number,
  start: (
    done: (outcome: T | { ok: false; code: string }) => void,
    adopt: (wrapper: net.Socket) => void,
  ) => net.Socket,
): Promise<T | { ok: false; code: string }> {
  return new Promise((resolve) => {
    let socket: net.Socket | undefined;
    let wrapper: net.Socket | undefined;
    let settled = false;
    const done = (outcome: T | { ok: false; code: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      (wrapper ?? socket)?.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done({ ok: false, code: TIMED_OUT }), timeoutMs);
    socket = start(done, (adopted) => {
      wrapper = adopted;
    });
    socket.on('error', (error) => done({ ok: false, code: errorCode(error) }));
    socket.once('close', () => done({ ok: false, code: 'ECONNRESET' }));
  });
}

/** Verification as the request had it, reported instead of enforced. */
function tlsOptions(hostname: string): tls.ConnectionOptions {
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  return {
    // SNI takes host names only (RFC 6066 section 3), as in the transport.
    ...(net.isIP(bare) ? {} : { servername: bare }),
    rejectUnauthorized: false,
    checkServerIdentity: (_name, certificate) => tls.checkServerIdentity(bare, certificate),
  };
}

function whenSecure(socket: tls.TLSSocket, done: (outcome: Handshake) => void): void {
  socket.once('secureConnect', () => {
    const error = socket.authorized ? undefined : socket.authorizationError;
    done({
      ok: true,
      verifyError: error === undefined ? undefined : errorCode(error),
      certificate: summarize(socket.getPeerCertificate()),
    });
  });
}

function tunnel(request: TunnelRequest, timeoutMs: number): Promise<Tunnel> {
  return withSocket<Tunnel>(timeoutMs, (done, adopt) => {
    const { proxy } = request;
    const socket = proxy.secure
      ? tls.connect({ host: proxy.address, port: proxy.port, ...tlsVerified(proxy.hostname) })
      : net.connect({ host: proxy.address, port: proxy.port });
    socket.once(proxy.secure ? 'secureConnect' : 'connect', () => {
      const lines = [`CONNECT ${request.authority} HTTP/1.1`, `Host: ${request.authority}`];
      for (const [name, value] of Object.entries(request.headers)) lines.push(`${name}: ${value}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });

    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const status = Number(/^HTTP\/\d(?:\.\d)? (\d{3})/.exec(head.toString('latin1'))?.[1] ?? 0);
      if (status !== 200 || request.tlsHostname === undefined) {
        done({ ok: true, status, handshake: undefined });
        return;
      }
      socket.pause();
      const rest = head.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      const secure = tls.connect({ ...tlsOptions(request.tlsHostname), socket });
      adopt(secure);
      secure.on('error', (error) =>
        done({ ok: true, status, handshake: { ok: false, code: errorCode(error) } }),
      );
      whenSecure(secure, (handshake) => done({ ok: true, status, handshake }));
    };
    socket.on('data', onData);
    return socket;
  });
}

/** A TLS proxy is checked as the transport checks it: fully. */
function tlsVerified(hostname: string): tls.ConnectionOptions {
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  return net.isIP(bare) ? {} : { servername: bare };
}

function summarize(certificate: tls.PeerCertificate): CertificateSummary | undefined {
  if (!certificate || Object.keys(certificate).length === 0) return undefined;
  return {
    subject: distinguishedName(certificate.subject),
    issuer: distinguishedName(certificate.issuer),
    validFrom: isoDate(certificate.valid_from),
    validTo: isoDate(certificate.valid_to),
    altNames: certificate.subjectaltname ?? '',
  };
}

function distinguishedName(name: tls.Certificate | undefined): string {
  if (!name) return 'an unnamed subject';
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  return first(name.CN) ?? first(name.O) ?? 'an unnamed subject';
}

function isoDate(text: string): string {
  const time = Date.parse(text);
  return Number.isNaN(time) ? text : new Date(time).toISOString();
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}
