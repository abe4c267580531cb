import { isIP } from 'node:net';

import type { NetworkRoute } from '../errors.js';
import { FIXES, LINES, fill, type FixId, type LineId } from './messages.js';
import { TIMED_OUT, type Endpoint, type Handshake, type Probes } from './probes.js';
import { judgeHandshake } from './tls-verdict.js';

/** The stage where a retraced request stopped; `undefined` when every stage passed. */
export type FailedStage = 'dns' | 'connect' | 'tls' | 'proxy' | undefined;

/** What one host's diagnosis found: a heading, one line per stage probed, and the fix. */
export interface Diagnosis {
  readonly heading: string;
  readonly lines: readonly string[];
  readonly fix: string;
  readonly failedStage: FailedStage;
}

export interface RouteContext {
  readonly probes: Probes;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The per-probe limit, for the "within N s" lines. */
  readonly timeoutMs: number;
  /** Proxy-Authorization for the CONNECT probe, as the request sent it; never printed. */
  readonly proxyHeaders: Readonly<Record<string, string>>;
  /** The original failure's code, named when every stage passes now. */
  readonly reason: string;
}

/** At most this many of a name's addresses are tried, as a connection attempt would. */
const MAX_ADDRESSES = 3;

/**
 * Retraces the way a failed request took, stage by stage: which proxy applied and why, name
 * resolution, TCP connect, then either the CONNECT tunnel and TLS through it, or TLS directly.
 * Stops at the first stage that fails and ends with the fix for it. Probes go only to the
 * request's own host and to the proxy on its way.
 */
export async function diagnoseRoute(
  route: NetworkRoute,
  context: RouteContext,
): Promise<Diagnosis> {
  const lines: string[] = [];
  const say = (id: LineId, values: Values = {}) => lines.push(fill(LINES[id], values));
  const scheme = route.protocol.slice(0, -1);
  const host = route.hostname;
  const seconds = context.timeoutMs / 1000;
  const heading = fill(LINES.heading, { scheme, target: `${host}:${route.port}` });
  const end = (failedStage: FailedStage, fix: FixId, values: Values = {}): Diagnosis => ({
    heading,
    lines,
    fix: fill(FIXES[fix], { host, port: route.port, ...values }),
    failedStage,
  });

  sayProxy(route, context.env, say);

  const proxy = route.proxy;
  const first = proxy ? proxy.hostname : host;
  const resolution = await resolveStep(first, context, say, seconds);
  if (!resolution.ok) {
    if (resolution.code === TIMED_OUT) return end(proxy ? 'proxy' : 'dns', 'resolveSlow');
    if (proxy)
      return end('proxy', 'resolveProxy', { host: proxy.hostname, variable: proxy.variable });
    if (route.noProxyMatch !== undefined) {
      return end('dns', 'resolveBypassed', { entry: route.noProxyMatch });
    }
    return end('dns', 'resolveTarget');
  }

  const port = proxy ? proxy.port : route.port;
  const reached = await connectStep(resolution.addresses, port, context, say, seconds);
  if (!reached.ok) {
    const values = { endpoint: reached.endpoint, port, host: first };
    if (proxy) {
      const fix = {
        refused: 'proxyRefused',
        dropped: 'proxyDropped',
        noRoute: 'proxyNoRoute',
      } as const;
      return end('proxy', fix[reached.kind], { ...values, variable: proxy.variable });
    }
    const fix = {
      refused: 'connectRefused',
      dropped: 'connectDropped',
      noRoute: 'connectNoRoute',
    } as const;
    return end('connect', fix[reached.kind], values);
  }

  let handshake: Handshake | undefined;
  let peer = host;
  if (proxy && route.protocol === 'http:') {
    say('tunnelNotUsed');
  } else if (proxy) {
    const authority = `${host}:${route.port}`;
    const tunnel = await context.probes.tunnel({
      proxy: { ...reached.at, secure: proxy.protocol === 'https:', hostname: proxy.hostname },
      authority,
      headers: context.proxyHeaders,
      tlsHostname: host,
    });
    const values = { authority, variable: proxy.variable, seconds };
    if (!tunnel.ok) {
      if (tunnel.code === TIMED_OUT) say('tunnelTimedOut', values);
      else if (tunnel.code === 'ECONNRESET')
        say('tunnelNoAnswer', { ...values, code: tunnel.code });
      else say('tunnelFailed', { ...values, code: tunnel.code });
      return end('proxy', 'tunnelNoAnswer', values);
    }
    if (tunnel.status === 407) {
      const withCredentials = Object.keys(context.proxyHeaders).length > 0;
      say(withCredentials ? 'tunnelBadCredentials' : 'tunnelNeedsCredentials', values);
      return end(
        'proxy',
        withCredentials ? 'tunnelBadCredentials' : 'tunnelNeedsCredentials',
        values,
      );
    }
    if (tunnel.status !== 200) {
      say('tunnelRefused', { ...values, status: tunnel.status });
      return end('proxy', 'tunnelRefused', values);
    }
    say('tunnelOk', values);
    handshake = tunnel.handshake;
    peer = `${host} through the proxy`;
  } else if (route.protocol === 'https:') {
    handshake = await context.probes.handshake(reached.at, host);
  }

  if (handshake) {
    const verdict = judgeHandshake(handshake, host);
    say(verdict.line, { peer, seconds, ...verdict.values });
    if (verdict.fix) return end('tls', verdict.fix, verdict.values);
  }

  say('allPassed', { reason: context.reason });
  return end(undefined, 'passing');
}

type Values = Readonly<Record<string, string | number>>;

function sayProxy(
  route: NetworkRoute,
  env: Readonly<Record<string, string | undefined>>,
  say: (id: LineId, values?: Values) => void,
): void {
  const host = route.hostname;
  const scheme = route.protocol.slice(0, -1);
  if (route.proxy) {
    const proxy = `${route.proxy.protocol}//${route.proxy.hostname}:${route.proxy.port}`;
    const listed = Boolean(env['no_proxy'] ?? env['NO_PROXY']);
    say(listed ? 'proxyChosen' : 'proxyChosenNoList', {
      proxy,
      variable: route.proxy.variable,
      host,
    });
    return;
  }
  if (route.noProxyMatch !== undefined) {
    const entry = route.noProxyMatch;
    if (route.bypassedVariable)
      say('proxyBypassed', { entry, host, variable: route.bypassedVariable });
    else say('proxyBypassedUnset', { entry, host });
    return;
  }
  const variables = [`${scheme}_proxy`, `${scheme.toUpperCase()}_PROXY`, 'all_proxy', 'ALL_PROXY'];
  say('proxyNone', { scheme, variables: variables.join(', ') });
}

async function resolveStep(
  hostname: string,
  context: RouteContext,
  say: (id: LineId, values?: Values) => void,
  seconds: number,
): Promise<{ ok: true; addresses: readonly string[] } | { ok: false; code: string }> {
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (isIP(bare)) {
    say('resolveSkipped', { host: hostname });
    return { ok: true, addresses: [bare] };
  }
  const resolution = await context.probes.resolve(bare);
  if (!resolution.ok) {
    if (resolution.code === TIMED_OUT) say('resolveTimedOut', { host: hostname, seconds });
    else say('resolveFailed', { host: hostname, code: resolution.code });
    return resolution;
  }
  say('resolved', { host: hostname, addresses: resolution.addresses.join(', ') });
  return resolution;
}

type Reached =
  | { ok: true; at: Endpoint }
  | { ok: false; kind: 'refused' | 'dropped' | 'noRoute'; endpoint: string };

/** Tries the addresses in order until one accepts; every attempt gets its own line. */
async function connectStep(
  addresses: readonly string[],
  port: number,
  context: RouteContext,
  say: (id: LineId, values?: Values) => void,
  seconds: number,
): Promise<Reached> {
  let last: Reached = { ok: false, kind: 'noRoute', endpoint: '' };
  for (const address of addresses.slice(0, MAX_ADDRESSES)) {
    const endpoint = isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
    const outcome = await context.probes.connect({ address, port });
    if (outcome.ok) {
      say('connected', { endpoint });
      return { ok: true, at: { address, port } };
    }
    const { code } = outcome;
    if (code === 'ECONNREFUSED') {
      say('connectRefused', { endpoint, code });
      last = { ok: false, kind: 'refused', endpoint };
    } else if (code === TIMED_OUT) {
      say('connectTimedOut', { endpoint, seconds });
      last = { ok: false, kind: 'dropped', endpoint };
    } else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
      say('connectUnreachable', { endpoint, code });
      last = { ok: false, kind: 'noRoute', endpoint };
    } else {
      say('connectFailed', { endpoint, code });
      last = { ok: false, kind: 'noRoute', endpoint };
    }
  }
  return last;
}
