import { isIP } from 'node:net';

import { InputError } from '../errors.js';
import { parseProxyUrl } from './proxy-credentials.js';

/** The proxy a request goes through, and why, so that a failure can say which variable applied. */
export interface ProxyChoice {
  readonly url: URL;
  /** The environment variable the proxy came from, e.g. `HTTPS_PROXY`. */
  readonly variable: string;
}

/** What `selectProxy` found, including a `NO_PROXY` match, for diagnosis. */
export interface ProxyDecision {
  readonly proxy: ProxyChoice | undefined;
  /** The `NO_PROXY` entry that sent the request direct, when one did. */
  readonly bypassedBy: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Chooses the proxy for `target` from the environment the way curl does: `https_proxy` for https
 * URLs, `http_proxy` for http, `all_proxy` for either, each in lower or upper case (lower case
 * first; curl ignores upper-case `HTTP_PROXY`, which CI systems set, so it is read here), unless
 * a `no_proxy` entry matches. A `no_proxy` entry is `*` (everything), a host name
 * that matches itself and its subdomains (a leading dot is ignored), an IP address, or an IP
 * range in CIDR notation. Loopback is not special: list it in `NO_PROXY` to bypass the proxy.
 */
export function selectProxy(target: URL, env: Env = process.env): ProxyDecision {
  const scheme = target.protocol === 'https:' ? 'https' : 'http';
  const candidates = [`${scheme}_proxy`, `${scheme.toUpperCase()}_PROXY`, 'all_proxy', 'ALL_PROXY'];
  const variable = candidates.find((name) => env[name]);
  if (!variable) return { proxy: undefined, bypassedBy: undefined };

  const noProxy = env['no_proxy'] ?? env['NO_PROXY'] ?? '';
  const bypassedBy = matchNoProxy(target.hostname, noProxy);
  if (bypassedBy !== undefined) return { proxy: undefined, bypassedBy };

  const url = parseProxyUrl(variable, env[variable] as string);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(
      variable,
      `expected an http:// or https:// proxy URL, found the scheme "${url.protocol}".`,
      `set ${variable} to http://host:port, or unset it to connect directly.`,
    );
  }
  return { proxy: { url, variable }, bypassedBy: undefined };
}

/** Returns the `NO_PROXY` entry that matches `hostname`, or undefined. */
export function matchNoProxy(hostname: string, noProxy: string): string | undefined {
  // As in curl, `*` means everything only when it is the whole list.
  if (noProxy.trim() === '*') return '*';
  const host = stripBrackets(hostname.toLowerCase()).replace(/\.$/, '');
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    const pattern = stripBrackets(entry).replace(/^\./, '').replace(/\.$/, '');
    if (pattern.includes('/')) {
      if (isIP(host) && inCidr(host, pattern)) return raw;
      continue;
    }
    if (host === pattern || (!isIP(host) && host.endsWith(`.${pattern}`))) return raw;
  }
  return undefined;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function inCidr(address: string, cidr: string): boolean {
  const [range = '', bitsText = ''] = cidr.split('/');
  const family = isIP(range);
  if (family === 0 || family !== isIP(address)) return false;
  const width = family === 4 ? 32 : 128;
  const bits = Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > width) return false;
  const a = toBigInt(address, family);
  const r = toBigInt(range, family);
  const shift = BigInt(width - bits);
  return a >> shift === r >> shift;
}

function toBigInt(address: string, family: number): bigint {
  if (family === 4) {
    return address.split('.').reduce((acc, part) => (acc << 8n) + BigInt(Number(part)), 0n);
  }
  const [head = '', tail = ''] = address.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const parts = address.includes('::')
    ? [...headParts, ...Array(8 - headParts.length - tailParts.length).fill('0'), ...tailParts]
    : headParts;
  return parts.reduce((acc, part) => (acc << 16n) + BigInt(parseInt(part || '0', 16)), 0n);
}
