import { looksLikeJwt } from '../jwt-payload.js';

/**
 * The header that carries a Corgea credential, chosen as Corgea's own tools choose it: a JWT goes
 * as `Authorization: Bearer`, anything else (a Corgea API key) in the `CORGEA-TOKEN` header.
 */
export function corgeaCredentialHeader(credential: string): Record<string, string> {
  return looksLikeJwt(credential)
    ? { Authorization: `Bearer ${credential}` }
    : { 'CORGEA-TOKEN': credential };
}

/** `{CORGEA_URL}/api/v1`, whatever the URL's trailing slash. */
export function corgeaApiBase(corgeaUrl: URL | string): string {
  return `${String(corgeaUrl).replace(/\/+$/, '')}/api/v1`;
}
