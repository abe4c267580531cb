/**
 * The credentials in the proxy variables, read without loading the network code: the action and
 * the command line register them for masking and redaction before anything else runs.
 */
import { InputError } from '../errors.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The proxy variables `selectProxy` reads, in the order it reads them. */
export const PROXY_VARIABLES = [
  'https_proxy',
  'HTTPS_PROXY',
  'http_proxy',
  'HTTP_PROXY',
  'all_proxy',
  'ALL_PROXY',
] as const;

/**
 * The password of every proxy variable that holds one, decoded, parsed exactly as
 * `selectProxy` parses the variable (`alice:pw@host:3128`, without a scheme, is read as
 * `http://alice:pw@host:3128`), so that the callers can mask and redact what the transport
 * sends. The raw percent-encoded form is returned too when it differs. A variable that is not a
 * URL gives nothing here: `selectProxy` refuses it before any request.
 */
export function proxyPasswords(env: Env = process.env): string[] {
  const passwords = new Set<string>();
  for (const variable of PROXY_VARIABLES) {
    const raw = env[variable];
    if (!raw) continue;
    let parsed: URL;
    try {
      parsed = parseProxyUrl(variable, raw);
    } catch {
      continue;
    }
    const password = parsed.password;
    if (!password) continue;
    passwords.add(password);
    // The transport sends the pair base64-encoded in Proxy-Authorization; an echo of that
    // header must be caught as well, so it is built here by the same function.
    const sent = proxyAuthorization(parsed)['Proxy-Authorization'];
    if (sent) passwords.add(sent.slice('Basic '.length));
    try {
      passwords.add(decodeURIComponent(password));
    } catch {
      // A malformed escape is sent as written, and is protected as written above.
    }
  }
  return [...passwords];
}

/**
 * The user or password part of a proxy URL, percent-decoded; a stray `%` that is not an escape
 * is taken as written, as curl takes it, rather than failing the request.
 */
export function decodeUserInfo(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A proxy variable's value as a URL; a value without a scheme is an http proxy, as in curl. */
export function parseProxyUrl(variable: string, raw: string): URL {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new InputError(
      variable,
      'is not a URL.',
      `set ${variable} to http://host:port, or unset it to connect directly.`,
    );
  }
}

/** The Proxy-Authorization header for a proxy URL that carries credentials; none otherwise. */
export function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username && !proxy.password) return {};
  const user = decodeUserInfo(proxy.username);
  const password = decodeUserInfo(proxy.password);
  return {
    'Proxy-Authorization': `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
  };
}
