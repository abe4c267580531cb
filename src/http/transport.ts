import http from 'node:http';
import type { RequestOptions } from 'node:https';
import type { Socket } from 'node:net';

import { NetworkError, ResponseError, type NetworkRoute, type NetworkStage } from '../errors.js';
import { proxyAuthorization } from './proxy-credentials.js';
import { selectProxy, type ProxyChoice, type ProxyDecision } from './proxy.js';

/** One HTTP request. Bodies are small (forms, JSON), so they travel as strings. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Limit for the whole exchange, connection included. */
  readonly timeoutMs: number;
}

export interface HttpResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/**
 * Sends one request and resolves with whatever HTTP answer comes back, whatever its status.
 * Rejects with a `NetworkError` when there is no HTTP answer. Injected everywhere a request is
 * made, so that tests can put a fake network in its place.
 */
export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

type Client = typeof http | typeof import('node:https');

/** `https` (and `tls`) load on first use, so that a plain-http run never pays for them. */
async function clientFor(protocol: string): Promise<Client> {
  return protocol === 'https:' ? (await import('node:https')).default : http;
}

/** Responses larger than this are cut off: no answer this project reads is anywhere near. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Options of the node transport; the environment decides the proxy. */
export interface NodeTransportOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly userAgent?: string;
}

/**
 * The transport on node's own `http`, `https` and `tls`, honouring `HTTPS_PROXY`, `HTTP_PROXY`,
 * `ALL_PROXY` and `NO_PROXY` as curl does, and upper-case `HTTP_PROXY` too, which curl ignores
 * (see `selectProxy`). https goes through a proxy in a
 * CONNECT tunnel, so the proxy sees only the host name; http is sent to the proxy in absolute form.
 */
export function nodeTransport(options: NodeTransportOptions = {}): Transport {
  const env = options.env ?? process.env;
  return (request) => {
    const decision = selectProxy(request.url, env);
    const { proxy } = decision;
    const route = routeOf(request.url, decision, env);
    const headers: Record<string, string> = { ...request.headers };
    if (options.userAgent && !hasHeader(headers, 'user-agent'))
      headers['User-Agent'] = options.userAgent;
    if (request.body !== undefined)
      headers['Content-Length'] = String(Buffer.byteLength(request.body));
    return withDeadline(request, proxy, route, (signal) => send(request, headers, proxy, signal));
  };
}

/** Records the way a request takes, without credentials, for the connectivity diagnosis. */
function routeOf(
  url: URL,
  decision: ProxyDecision,
  env: Readonly<Record<string, string | undefined>>,
): NetworkRoute {
  const secure = url.protocol === 'https:';
  const port = Number(url.port) || (secure ? 443 : 80);
  const base = {
    protocol: secure ? ('https:' as const) : ('http:' as const),
    hostname: url.hostname,
    port,
  };
  const { proxy, bypassedBy } = decision;
  if (proxy) {
    const proxySecure = proxy.url.protocol === 'https:';
    return {
      ...base,
      proxy: {
        protocol: proxySecure ? 'https:' : 'http:',
        hostname: proxy.url.hostname,
        port: Number(proxy.url.port) || (proxySecure ? 443 : 80),
        variable: proxy.variable,
      },
    };
  }
  if (bypassedBy === undefined) return base;
  // The variable NO_PROXY overrode: the same choice with NO_PROXY emptied.
  let overridden: string | undefined;
  try {
    overridden = selectProxy(url, { ...env, no_proxy: '', NO_PROXY: '' }).proxy?.variable;
  } catch {
    overridden = undefined; // a malformed proxy URL that NO_PROXY made irrelevant
  }
  return { ...base, noProxyMatch: bypassedBy, bypassedVariable: overridden };
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** Runs `exchange` with an abort signal that fires after the request's time limit. */
async function withDeadline(
  request: HttpRequest,
  proxy: ProxyChoice | undefined,
  route: NetworkRoute,
  exchange: (signal: AbortSignal) => Promise<HttpResponse>,
): Promise<HttpResponse> {
  // node's own timeout signal: its timer never holds the process open and needs no clearing
  // (clearing a timer is, oddly, a measurable part of a short run's start-up in node 20).
  const signal = AbortSignal.timeout(request.timeoutMs);
  try {
    return await exchange(signal);
  } catch (error) {
    if (signal.aborted) {
      throw new NetworkError(
        { stage: 'timeout', host: request.url.host, route },
        `No answer from ${request.url.host} within ${request.timeoutMs / 1000} s` +
          (proxy ? ` (through the proxy from ${proxy.variable}).` : '.'),
        'raise timeout-seconds if the network is slow, or check that the host is reachable ' +
          'from the runner.',
      );
    }
    if (error instanceof OversizeBody) {
      // Final: the same URL will answer the same way, and the body is no login page.
      throw new ResponseError(
        `The answer from ${request.url.host}${request.url.pathname} is larger than ` +
          `${MAX_BODY_BYTES / 1024 / 1024} MiB; no answer this project reads is anywhere near.`,
        'check that the URL names the token endpoint, metadata or key set itself.',
      );
    }
    throw toNetworkError(error, request.url, proxy, route);
  }
}

async function send(
  request: HttpRequest,
  headers: Record<string, string>,
  proxy: ProxyChoice | undefined,
  signal: AbortSignal,
): Promise<HttpResponse> {
  const url = request.url;
  const isHttps = url.protocol === 'https:';
  const base = {
    method: request.method,
    headers,
    signal,
    agent: false as const,
  };

  if (!proxy) {
    const options = { ...base, hostname: stripBrackets(url.hostname), port: url.port || undefined };
    return exchange(
      await clientFor(url.protocol),
      { ...options, path: url.pathname + url.search },
      request.body,
    );
  }

  const proxyHeaders = proxyAuthorization(proxy.url);
  if (!isHttps) {
    const options = {
      ...base,
      headers: { ...headers, Host: url.host, ...proxyHeaders },
      hostname: stripBrackets(proxy.url.hostname),
      port: proxy.url.port || (proxy.url.protocol === 'https:' ? 443 : 80),
      path: url.href,
    };
    return exchange(await clientFor(proxy.url.protocol), options, request.body);
  }

  const socket = await connectTunnel(proxy, url, proxyHeaders, signal);
  const tls = await import('node:tls');
  // `host` is what the certificate is checked against; without it node checks "localhost".
  const secure = tls.connect({
    socket,
    host: stripBrackets(url.hostname),
    servername: tlsServerName(url.hostname),
  });
  return exchange(
    await clientFor('https:'),
    {
      ...base,
      // No agent: node ignores createConnection when given `agent: false` (it makes a fresh
      // agent that dials the target itself), which would bypass the tunnel.
      agent: undefined,
      hostname: stripBrackets(url.hostname),
      port: url.port || 443,
      path: url.pathname + url.search,
      createConnection: () => secure,
    },
    request.body,
  );
}

/** Opens a CONNECT tunnel through the proxy to the target's host and port. */
async function connectTunnel(
  proxy: ProxyChoice,
  target: URL,
  proxyHeaders: Record<string, string>,
  signal: AbortSignal,
): Promise<Socket> {
  const authority = `${target.hostname}:${target.port || 443}`;
  const module = await clientFor(proxy.url.protocol);
  return new Promise((resolve, reject) => {
    const req = module.request({
      method: 'CONNECT',
      hostname: stripBrackets(proxy.url.hostname),
      port: proxy.url.port || (proxy.url.protocol === 'https:' ? 443 : 80),
      path: authority,
      headers: { Host: authority, ...proxyHeaders },
      agent: false,
      signal,
    });
    req.once('connect', (res, socket) => {
      if (res.statusCode === 200) {
        resolve(socket);
        return;
      }
      socket.destroy();
      reject(new TunnelRefused(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end();
  });
}

/** A response body passed MAX_BODY_BYTES; the request was stopped. */
class OversizeBody extends Error {}

/** The proxy answered CONNECT with something other than 200. */
class TunnelRefused extends Error {
  constructor(readonly status: number) {
    super(`proxy refused CONNECT with status ${status}`);
  }
}

function exchange(
  module: Client,
  options: RequestOptions,
  body: string | undefined,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = module.request(options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) {
          chunks.push(chunk);
          return;
        }
        // Nothing this project reads is that large: stop downloading, and say so.
        req.destroy(new OversizeBody());
      });
      res.once('error', reject);
      res.once('end', () => {
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({
          status: res.statusCode ?? 0,
          headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.once('error', reject);
    req.end(body);
  });
}

function stripBrackets(host: string): string {
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

/** SNI takes host names only, never IP addresses (RFC 6066 section 3). */
function tlsServerName(hostname: string): string | undefined {
  return /^[\d.]+$/.test(hostname) || hostname.startsWith('[') ? undefined : hostname;
}

const TLS_CODES =
  /^(CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|ERR_TLS|ERR_SSL|HOSTNAME_MISMATCH|ERR_CERT)/;

/** Turns a socket-level failure into a `NetworkError` naming the stage and the fix. */
function toNetworkError(
  error: unknown,
  target: URL,
  proxy: ProxyChoice | undefined,
  route: NetworkRoute,
): NetworkError {
  const host = target.host;
  const via = proxy ? ` through the proxy ${proxy.url.host} (from ${proxy.variable})` : '';
  if (error instanceof TunnelRefused) {
    return new NetworkError(
      { stage: 'proxy', host, route, proxyStatus: error.status },
      `The proxy ${proxy?.url.host} (from ${proxy?.variable}) ` +
        `refused to open a tunnel to ${host}: status ${error.status}.`,
      error.status === 407
        ? 'the proxy wants credentials: put them in the proxy URL (http://user:password@host:port).'
        : `allow CONNECT to ${host} on the proxy, ` +
            'or list the host in NO_PROXY if it must be reached directly.',
    );
  }
  const code = (error as { code?: unknown }).code;
  const systemCode = typeof code === 'string' ? code : undefined;
  const stage: NetworkStage = classifyStage(systemCode, proxy);
  const reason = systemCode ?? (error instanceof Error ? error.message : String(error));
  const problems: Record<NetworkStage, [string, string]> = {
    dns: [
      proxy
        ? `The proxy's name ${proxy.url.hostname} (from ${proxy.variable}) ` +
          `could not be resolved (${reason}).`
        : `The name ${target.hostname} could not be resolved (${reason}).`,
      'check the spelling of the host and that the runner can resolve it.',
    ],
    connect: [
      `The connection to ${host} failed (${reason}).`,
      'check that the host and port are right and that no firewall blocks the runner.',
    ],
    tls: [
      `The TLS handshake with ${host} failed${via} (${reason}).`,
      'if a corporate proxy inspects TLS, give node its CA with NODE_EXTRA_CA_CERTS.',
    ],
    proxy: [
      `The proxy ${proxy?.url.host} (from ${proxy?.variable}) could not be reached (${reason}).`,
      `check the proxy URL in ${proxy?.variable}, ` +
        `or list ${target.hostname} in NO_PROXY to go direct.`,
    ],
    timeout: [`No answer from ${host}${via}.`, 'raise timeout-seconds.'],
    connection: [
      `The connection to ${host}${via} broke before an answer arrived (${reason}).`,
      'this is usually passing; it is retried. If it persists, check the network path.',
    ],
  };
  const [problem, fix] = problems[stage];
  return new NetworkError({ stage, host, systemCode, route }, problem, fix);
}

function classifyStage(code: string | undefined, proxy: ProxyChoice | undefined): NetworkStage {
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL') return 'dns';
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return proxy ? 'proxy' : 'connect';
  }
  if (code && TLS_CODES.test(code)) return 'tls';
  return 'connection';
}
