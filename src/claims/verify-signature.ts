import { compactVerify, decodeProtectedHeader, errors as joseErrors, type CryptoKey } from 'jose';

import { ClaimError } from '../errors.js';
import { decodeJwtPayload } from '../jwt-payload.js';
import { ASYMMETRIC_ALGORITHMS, checkAlgorithm } from './algorithms.js';
import type { IssuerKeySet } from './key-set.js';

/** The parts of a JWT read before anything is trusted: enough to find the keys. */
export interface UnverifiedToken {
  readonly header: Readonly<Record<string, unknown>>;
  readonly alg: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/**
 * Reads a token's header and payload without trusting them, and refuses one that is not a JWT
 * or whose `alg` Corgea cannot verify (see `checkAlgorithm`).
 */
export function readUnverified(token: string): UnverifiedToken {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    header = {};
  }
  const payload = decodeJwtPayload(token);
  if (!payload || Object.keys(header).length === 0) {
    throw new ClaimError(
      'token',
      `The access token is not a JWT (found ${token.split('.').length} dot-separated parts, ` +
        "a JWT has 3 with a JSON header and payload); Corgea's JWT auth needs a signed JWT.",
      'ask an authorization server that issues JWT access tokens: for Okta a custom ' +
        'authorization server (https://{domain}/oauth2/{server-id}), not the org server; ' +
        'for Entra a scope of your own app, api://{client-id}/.default.',
    );
  }
  // RFC 7797's unencoded payload: jose verifies it, but a JWT's claims are base64url JSON (RFC
  // 7519 section 7.2), and what such a token's claims are cannot be read the way Corgea reads them.
  if (header['b64'] === false) {
    throw new ClaimError(
      'b64',
      'The access token has an unencoded payload (header "b64": false, RFC 7797), which a JWT ' +
        'cannot have: its claims would not be the ones Corgea reads.',
      'configure the authorization server to issue standard JWT access tokens ' +
        '(RFC 7519, RFC 9068).',
    );
  }
  return { header, alg: checkAlgorithm(header), payload };
}

/**
 * Verifies the token's signature against `keys` with asymmetric algorithms only, and returns the
 * payload that the signature covers. A `kid` the issuer does not publish and a signature that
 * does not verify each get their own message.
 */
export async function verifySignature(
  token: string,
  unverified: UnverifiedToken,
  keys: IssuerKeySet,
): Promise<Record<string, unknown>> {
  const options = { algorithms: [...ASYMMETRIC_ALGORITHMS] };
  let bytes: Uint8Array;
  try {
    bytes = (await compactVerify(token, keys.getKey, options)).payload;
  } catch (error) {
    if (error instanceof joseErrors.JWKSMultipleMatchingKeys) {
      bytes = await verifyWithAny(
        token,
        error as unknown as AsyncIterable<CryptoKey>,
        unverified,
        keys,
      );
    } else {
      throw signatureError(error, unverified, keys);
    }
  }
  return claimsOf(bytes);
}

/** The verified payload as a JSON object of claims, or a `ClaimError` saying it is not one. */
function claimsOf(bytes: Uint8Array): Record<string, unknown> {
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    claims = undefined;
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw new ClaimError(
      'token',
      "The access token's signed payload is not a JSON object of claims, as a JWT's must be.",
      'configure the authorization server to issue standard JWT access tokens ' +
        '(RFC 7519, RFC 9068).',
    );
  }
  return claims as Record<string, unknown>;
}

/** A token without `kid` that several published keys could have signed: try each of them. */
async function verifyWithAny(
  token: string,
  candidates: AsyncIterable<CryptoKey>,
  unverified: UnverifiedToken,
  keys: IssuerKeySet,
): Promise<Uint8Array> {
  for await (const key of candidates) {
    try {
      return (await compactVerify(token, key, { algorithms: [...ASYMMETRIC_ALGORITHMS] })).payload;
    } catch {
      // The next candidate may be the one.
    }
  }
  throw signatureError(new joseErrors.JWSSignatureVerificationFailed(), unverified, keys);
}

function signatureError(error: unknown, unverified: UnverifiedToken, keys: IssuerKeySet): Error {
  if (!(error instanceof joseErrors.JOSEError)) return error as Error;
  const where = `${keys.url.host}${keys.url.pathname}`;
  const kid = typeof unverified.header['kid'] === 'string' ? unverified.header['kid'] : undefined;
  if (error instanceof joseErrors.JWKSNoMatchingKey) {
    return new ClaimError(
      'kid',
      kid
        ? `The token is signed with key ID "${kid}", ` +
            `which the issuer does not publish at ${where} ` +
            '(checked twice): Corgea would reject its signature.'
        : `The token names no key ID, and no key for ${unverified.alg} is published at ${where}.`,
      'the token comes from another issuer, tenant or cloud than configured: check tenant-id, ' +
        'authority-host, issuer and token-url, which must all name the same identity provider.',
    );
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    const graph = 'nonce' in unverified.header;
    return new ClaimError(
      'signature',
      `The token's signature does not verify against the key${kid ? ` "${kid}"` : 's'} published ` +
        `at ${where}.` +
        (graph ? ' Its header carries a nonce, as Entra tokens for Microsoft Graph do.' : ''),
      graph
        ? 'set scope to your own app (api://{client-id}/.default): ' +
            'Graph tokens can be verified by Graph only.'
        : 'the token was altered, or signed by another server than the one publishing ' +
            'these keys: check token-url against issuer.',
    );
  }
  return new ClaimError(
    'signature',
    `The token's signature could not be checked against the keys at ${where} (${error.code}).`,
    'check that the issuer publishes the key for its tokens in a standard form (RFC 7517).',
  );
}
