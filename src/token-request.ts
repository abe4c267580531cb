import type { ClientCredential } from './credentials/credential.js';
import { ResponseError } from './errors.js';
import { parseJsonObject, sendWithRetries, type RequestContext } from './http/get-json.js';
import type { HttpResponse, Transport } from './http/transport.js';
import { decodeJwtPayload } from './jwt-payload.js';
import { oauthError } from './oauth-errors.js';
import type { Profile } from './profiles/profile.js';

/** The parameters of one client-credentials request. */
export interface TokenRequest {
  readonly profile: Profile;
  readonly credential: ClientCredential;
  readonly scope: string | undefined;
  /** RFC 8707 resource indicator. */
  readonly resource: string | undefined;
}

/** A successful token response (RFC 6749 section 5.1), checked field by field. */
export interface TokenResponse {
  readonly accessToken: string;
  readonly tokenType: string;
  /** Seconds from the moment the response arrived. */
  readonly expiresIn: number;
  readonly expiresAt: Date;
  /** How the lifetime was learnt: from `expires_in`, or from the token's `exp` when absent. */
  readonly expirySource: 'expires_in' | 'exp';
  readonly attempts: number;
}

/**
 * Exchanges client credentials for an access token at the profile's token endpoint, with
 * classified retries (see `classifyResponse`). `protect` is called with the access token, and any
 * other credential in the response, the moment the body is parsed: before anything is returned or
 * logged, so that a runner can mask it first.
 */
export async function requestToken(
  request: TokenRequest,
  context: RequestContext,
  protect: (value: string) => void,
): Promise<TokenResponse> {
  const url = request.profile.tokenEndpoint;
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (request.scope) form.set('scope', request.scope);
  if (request.resource) form.set('resource', request.resource);
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Content-Type': 'application/x-www-form-urlencoded',
  };
  request.credential.apply(form, headers, request.profile.clientAuth);

  // Credentials are protected as each answer leaves the transport: the retry loop logs a debug
  // line per answer, and that line must already find the token masked.
  const transport: Transport = async (outgoing) => {
    const answer = await context.transport(outgoing);
    protectCredentials(answer, protect);
    return answer;
  };
  const { response, attempts } = await sendWithRetries(
    { ...context, transport },
    { method: 'POST', url, headers, body: form.toString() },
  );
  if (response.status < 200 || response.status >= 300) {
    throw failedResponse(response, url, attempts);
  }

  const body = parseJsonObject(response, 'token endpoint', url);
  return readTokenResponse(body, url, attempts, context.clock.now());
}

/** Calls `protect` with every credential a JSON answer carries. */
function protectCredentials(response: HttpResponse, protect: (value: string) => void): void {
  const body = tryJson(response.body);
  for (const field of ['access_token', 'refresh_token', 'id_token']) {
    const value = body?.[field];
    if (typeof value === 'string' && value) protect(value);
  }
}

function failedResponse(response: HttpResponse, url: URL, attempts: number): Error {
  const host = url.host;
  const errorBody = tryJson(response.body);
  if (errorBody && typeof errorBody['error'] === 'string') {
    return oauthError(
      errorBody as { error: string; error_description?: unknown; error_codes?: unknown },
      response.status,
      host,
    );
  }
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  if (response.status >= 300 && response.status < 400) {
    return new ResponseError(
      `The token endpoint ${host}${url.pathname} answered with a redirect ` +
        `(status ${response.status}) to ${redirectTarget(response)}.`,
      'set token-url (or issuer) to the final URL; ' +
        'a token request is not followed across redirects.',
      response.status,
    );
  }
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    return new ResponseError(
      `The token endpoint ${host}${url.pathname} ` +
        `kept failing with status ${response.status}${tries}.`,
      'the identity provider is unavailable or throttling; re-run later, or raise attempts.',
      response.status,
    );
  }
  return new ResponseError(
    `The token endpoint ${host}${url.pathname} answered status ${response.status} ` +
      'without an OAuth error body.',
    response.status === 404
      ? 'the URL is not a token endpoint: check tenant-id, issuer or token-url.'
      : 'check token-url; a proxy or gateway may be answering instead of the identity provider.',
    response.status,
  );
}

function redirectTarget(response: HttpResponse): string {
  const location = response.headers['location'];
  if (!location) return 'nowhere (no Location header)';
  try {
    const target = new URL(location);
    return `${target.host}${target.pathname}`;
  } catch {
    return 'a relative location';
  }
}

function tryJson(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 6749 appendix A.12: `access-token = 1*VSCHAR`, less the space (0x21–0x7E). */
const ACCESS_TOKEN_SYNTAX = /^[\x21-\x7e]+$/;

/**
 * RFC 6749 section 11.1 and appendix A.13: a token type is a name of letters, digits, `.`, `_`
 * and `-` (or a URI, which no provider uses for client credentials); `~`, `+` and `/` are
 * allowed too, as RFC 6750's b64token allows them for `Bearer`-like schemes.
 */
const TOKEN_TYPE_SYNTAX = /^[A-Za-z0-9._~+/-]{1,64}$/;

function readTokenResponse(
  body: Record<string, unknown>,
  url: URL,
  attempts: number,
  now: number,
): TokenResponse {
  const where = `The token response from ${url.host}`;
  const accessToken = body['access_token'];
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new ResponseError(
      `${where} has no access_token.`,
      'check that token-url is the token endpoint and that the grant is client_credentials.',
    );
  }
  // The token goes into headers and files, and the token type into the log: a character outside
  // the syntax could end a header or a log line and start a workflow command. Neither value is
  // quoted in the message: the token is a secret, and the type is what broke the syntax.
  if (!ACCESS_TOKEN_SYNTAX.test(accessToken)) {
    throw new ResponseError(
      `${where} has an access_token with characters outside RFC 6749's syntax for it (printable ` +
        'ASCII without spaces).',
      'the identity provider broke RFC 6749 section 5.1; report it to its operator.',
    );
  }
  const tokenType = body['token_type'] === undefined ? 'Bearer' : body['token_type'];
  if (typeof tokenType !== 'string' || !TOKEN_TYPE_SYNTAX.test(tokenType)) {
    const found =
      typeof tokenType === 'string'
        ? `a string of ${tokenType.length} characters`
        : `a value of type ${tokenType === null ? 'null' : typeof tokenType}`;
    throw new ResponseError(
      `${where} has a token_type that is not a token type name of up to 64 letters, digits and ` +
        `. _ - ~ + /: found ${found}.`,
      'the identity provider broke RFC 6749 section 5.1; report it to its operator.',
    );
  }

  const { expiresIn, expirySource } = readLifetime(body['expires_in'], accessToken, now, where);
  const expiresAt = new Date(now + expiresIn * 1000);
  // A lifetime past the last date a Date can hold gives an Invalid Date, whose ISO form throws.
  if (Number.isNaN(expiresAt.getTime())) {
    throw new ResponseError(
      `${where} has an ${expirySource} that is not a usable lifetime: ` +
        `found ${expiresIn} seconds, later than any date.`,
      'the identity provider broke RFC 6749 section 5.1; report it to its operator.',
    );
  }
  return { accessToken, tokenType, expiresIn, expiresAt, expirySource, attempts };
}

/**
 * `expires_in` as a whole number of seconds. Entra's v2 endpoint sends a number and older
 * endpoints a numeric string, so both are read; anything else is reported, never made `NaN`.
 * When it is absent (RFC 6749 only recommends it), the token's own `exp` is used instead.
 */
function readLifetime(
  value: unknown,
  accessToken: string,
  now: number,
  where: string,
): { expiresIn: number; expirySource: 'expires_in' | 'exp' } {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
    return { expiresIn: Math.floor(value), expirySource: 'expires_in' };
  }
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) {
    return { expiresIn: Number(value), expirySource: 'expires_in' };
  }
  if (value === undefined) {
    const exp = decodeJwtPayload(accessToken)?.['exp'];
    if (typeof exp === 'number' && Number.isFinite(exp)) {
      return { expiresIn: Math.max(0, Math.floor(exp - now / 1000)), expirySource: 'exp' };
    }
    throw new ResponseError(
      `${where} has no expires_in, and the token has no exp claim to take the lifetime from.`,
      'the identity provider should send expires_in; report it to its operator.',
    );
  }
  const found =
    typeof value === 'string'
      ? // Quoted whole or not at all: a cut, before the printed message is redacted, could leave
        // part of an echoed secret in clear.
        value.length <= 40
        ? JSON.stringify(value)
        : `a string of ${value.length} characters`
      : typeof value === 'number'
        ? String(value)
        : value === null
          ? 'null'
          : `a value of type ${Array.isArray(value) ? 'array' : typeof value}`;
  throw new ResponseError(
    `${where} has an expires_in that is not a number of seconds: found ${found}.`,
    'the identity provider broke RFC 6749 section 5.1; report it to its operator.',
  );
}
