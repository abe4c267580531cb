import type { Secret } from '../secret.js';
import type { ClientAuth } from '../settings.js';
import type { ClientCredential } from './credential.js';

/**
 * A client ID and secret, sent as `client_secret_basic` (HTTP Basic) or `client_secret_post`
 * (form fields). The secret goes only into the body or the header, never into a URL.
 */
export function clientSecretCredential(clientId: string, secret: Secret): ClientCredential {
  return {
    kind: 'client-secret',
    apply(form: URLSearchParams, headers: Record<string, string>, method: ClientAuth): void {
      if (method === 'basic') {
        headers['Authorization'] = basicAuthorization(clientId, secret.reveal());
        return;
      }
      form.set('client_id', clientId);
      form.set('client_secret', secret.reveal());
    },
  };
}

/**
 * The `Authorization` header of RFC 6749 section 2.3.1: the client ID and the secret are each
 * form-encoded *before* they are joined with a colon and base64-encoded. Skipping that step
 * breaks secrets with `+`, `&`, `=`, `%`, `~` or spaces (Entra secrets contain `~`).
 */
export function basicAuthorization(clientId: string, secret: string): string {
  const pair = `${formEncode(clientId)}:${formEncode(secret)}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

/** `application/x-www-form-urlencoded` encoding of one value (space as `+`). */
export function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
