import { InputError } from './errors.js';

/** Whether `hostname` (as `URL.hostname` gives it) names this machine's loopback interface. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '[::1]';
}

/**
 * Parses the URL of a service this project talks to: an issuer, a token endpoint, an authority
 * host, Corgea. It must be absolute, `https` (plain `http` only on loopback, for local tests),
 * without credentials, query or fragment. Throws an `InputError` naming `input` otherwise.
 */
export function parseServiceUrl(input: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(
      input,
      `expected an absolute https URL, found "${value}".`,
      `write the full URL, for example https://login.example.com/…`,
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new InputError(
      input,
      `expected an https URL, found "${url.protocol}//${url.host}". Plain http is accepted only ` +
        `for loopback hosts.`,
      `use https://${url.host}${url.pathname === '/' ? '' : url.pathname}.`,
    );
  }
  if (url.username || url.password) {
    throw new InputError(
      input,
      'the URL carries credentials; they would end up in logs.',
      'remove the user and password part from the URL.',
    );
  }
  // A bare "?" or "#" leaves `search` and `hash` empty, yet the text is kept as written (an
  // issuer is compared exactly), where it would swallow every path joined after it.
  if (url.search || url.hash || /[?#]/.test(value)) {
    throw new InputError(
      input,
      `expected a URL without query or fragment, found "${url.origin}${url.pathname}" ` +
        `followed by "${value.slice(value.search(/[?#]/))}".`,
      'remove everything from the "?" or "#" on.',
    );
  }
  return url;
}

/** Joins a path to a base URL, whether or not the base ends with a slash. */
export function joinUrl(base: URL | string, path: string): URL {
  const text = String(base).replace(/\/+$/, '');
  return new URL(`${text}/${path.replace(/^\/+/, '')}`);
}
