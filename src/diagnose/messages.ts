/**
 * Every line the connectivity diagnosis can print, as a template whose `{name}` parts are filled
 * in at run time. They live in one table so that the README's troubleshooting section can list
 * each one by its exact text, and a test holds the two together.
 */
export const LINES = {
  heading: 'Connectivity diagnosis for {scheme}://{target}:',

  proxyNone: 'proxy: none; no proxy variable is set for {scheme} ({variables})',
  proxyBypassed:
    'proxy: none; the NO_PROXY entry "{entry}" matches {host}, so {variable} is not used',
  proxyBypassedUnset: 'proxy: none; the NO_PROXY entry "{entry}" matches {host}',
  proxyChosen: 'proxy: {proxy} from {variable}; no NO_PROXY entry matches {host}',
  proxyChosenNoList: 'proxy: {proxy} from {variable}; NO_PROXY is not set',

  resolveSkipped: 'name resolution: not needed, {host} is an IP address',
  resolved: 'name resolution: {host} resolved to {addresses}',
  resolveFailed: 'name resolution: {host} did not resolve ({code})',
  resolveTimedOut: 'name resolution: no answer for {host} within {seconds} s',

  connected: 'TCP connect to {endpoint}: ok',
  connectRefused: 'TCP connect to {endpoint}: refused ({code})',
  connectTimedOut: 'TCP connect to {endpoint}: timed out after {seconds} s',
  connectUnreachable: 'TCP connect to {endpoint}: no route ({code})',
  connectFailed: 'TCP connect to {endpoint}: failed ({code})',

  tlsOk:
    'TLS handshake with {peer}: ok, certificate for {subject} issued by {issuer}, ' +
    'valid until {validTo}',
  tlsSelfSigned:
    'TLS handshake with {peer}: the certificate is self-signed ({code}); subject {subject}',
  tlsUntrustedRoot:
    'TLS handshake with {peer}: the chain ends in a self-signed CA the runner does not trust ' +
    '({code}); issuer {issuer}',
  tlsUnknownIssuer: 'TLS handshake with {peer}: the issuer {issuer} is not trusted ({code})',
  tlsExpired: 'TLS handshake with {peer}: the certificate expired on {validTo} ({code})',
  tlsNotYetValid:
    'TLS handshake with {peer}: the certificate is not valid before {validFrom} ({code})',
  tlsNameMismatch: 'TLS handshake with {peer}: the certificate names {names}, not {host} ({code})',
  tlsRejected: 'TLS handshake with {peer}: the certificate was rejected ({code})',
  tlsNotTls: 'TLS handshake with {peer}: the server does not speak TLS on this port ({code})',
  tlsTimedOut: 'TLS handshake with {peer}: no answer within {seconds} s',
  tlsFailed: 'TLS handshake with {peer}: failed ({code})',

  tunnelOk: 'CONNECT {authority} through the proxy: accepted (status 200)',
  tunnelNeedsCredentials:
    'CONNECT {authority} through the proxy: the proxy wants credentials (status 407)',
  tunnelBadCredentials:
    'CONNECT {authority} through the proxy: the proxy refused the credentials from {variable} ' +
    '(status 407)',
  tunnelRefused: 'CONNECT {authority} through the proxy: refused (status {status})',
  tunnelNoAnswer:
    'CONNECT {authority} through the proxy: the proxy closed the connection without an answer ' +
    '({code})',
  tunnelTimedOut: 'CONNECT {authority} through the proxy: no answer within {seconds} s',
  tunnelFailed: 'CONNECT {authority} through the proxy: failed ({code})',
  tunnelNotUsed: 'CONNECT: not used for http URLs; the proxy forwards the request itself',

  allPassed: 'every stage succeeds now; the failure ({reason}) did not recur',
} as const;

/** What the diagnosis ends with; each names the change to make. */
export const FIXES = {
  resolveTarget:
    'check the spelling of {host} in the inputs. If the runner reaches outside hosts only ' +
    "through a proxy, set HTTPS_PROXY; if {host} is internal, check the runner's DNS servers.",
  resolveBypassed:
    'the NO_PROXY entry "{entry}" sends {host} direct, ' +
    'but the runner cannot resolve it on its own: remove the entry from NO_PROXY, ' +
    'or make {host} resolvable on the runner.',
  resolveProxy: 'correct the proxy host in {variable}; the runner cannot resolve {host}.',
  resolveSlow:
    "the runner's DNS servers did not answer: check /etc/resolv.conf on the runner and retry.",

  connectRefused:
    'nothing accepts connections on port {port} of {host}: check the port in the URL (https ' +
    'defaults to 443) and that the service is running.',
  connectDropped:
    'packets to {endpoint} are dropped: allow outbound traffic to port {port} from the runner, ' +
    'or set HTTPS_PROXY if this network reaches outside hosts only through a proxy.',
  connectNoRoute: 'the runner has no network route to {host}: check its network, VPN or firewall.',
  proxyRefused:
    'nothing accepts connections at the proxy {endpoint}: correct the port in {variable}, ' +
    'or start the proxy.',
  proxyDropped: 'the proxy {endpoint} does not answer: check the host and port in {variable}.',
  proxyNoRoute: 'the runner has no network route to the proxy {host}: check {variable}.',

  tlsSelfSigned:
    'the server presents a self-signed certificate. ' +
    'If that is intended (a test or internal host), give node the certificate: ' +
    "NODE_EXTRA_CA_CERTS=/path/to/cert.pem in the step's env; " +
    'otherwise the server needs a certificate from a public CA.',
  tlsCorporateCa:
    'a proxy or firewall that inspects TLS, or a private CA, signed this certificate: ' +
    'put that CA certificate (PEM) in a file and set NODE_EXTRA_CA_CERTS to its path ' +
    "in the step's env. " +
    'If no one inspects TLS, the server must also send its intermediate certificates.',
  tlsExpired:
    'the certificate of {host} has expired: whoever runs {host} must renew it. If the date looks ' +
    "wrong, check the runner's clock.",
  tlsNotYetValid: "the certificate of {host} is dated in the future: check the runner's clock.",
  tlsNameMismatch:
    'use a host name the certificate names, or have the certificate reissued for {host}. A proxy ' +
    'that intercepts TLS also causes this.',
  tlsRejected:
    'the certificate of {host} cannot be verified ({code}): check it with whoever runs {host}.',
  tlsNotTls:
    'port {port} of {host} serves something other than TLS: ' +
    'check the scheme and the port in the URL.',
  tlsFailed:
    'the TLS handshake with {host} did not complete: ' +
    'check that the host accepts TLS 1.2 or later on port {port}, ' +
    'and that nothing on the path cuts the connection.',

  tunnelNeedsCredentials:
    'the proxy wants credentials: put them in the proxy URL in {variable} ' +
    '(http://user:password@host:port).',
  tunnelBadCredentials: 'the proxy rejected the user or password in {variable}: correct them.',
  tunnelRefused:
    'the proxy does not allow tunnels to {authority}: ask its operators to allow CONNECT to port ' +
    '{port} of {host}, or add {host} to NO_PROXY if the runner can reach it directly.',
  tunnelNoAnswer:
    'the proxy in {variable} did not answer CONNECT: ' +
    'check that it is an HTTP proxy (not SOCKS) and that the port is its proxy port.',

  passing:
    'the failure was likely passing: re-run the job. ' +
    'If it recurs, raise attempts or timeout-seconds.',
} as const;

export type LineId = keyof typeof LINES;
export type FixId = keyof typeof FIXES;

/**
 * Fills a template's `{name}` parts; a missing value stays visible instead of printing "undefined".
 */
export function fill(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    values[name] === undefined ? whole : String(values[name]),
  );
}
