import { OAuthError } from './errors.js';

/** The fields of an OAuth error response (RFC 6749 section 5.2) that this project reads. */
export interface OAuthErrorBody {
  readonly error: string;
  readonly error_description?: unknown;
  /** Entra: the AADSTS codes as numbers. */
  readonly error_codes?: unknown;
}

/** One-line fixes for Entra's AADSTS codes, keyed by the number after `AADSTS`. */
const ENTRA_FIXES: ReadonlyMap<number, string> = new Map([
  [
    7000215,
    "Entra rejected the client secret: send the secret's value, not its secret ID; " +
      'a secret created seconds ago may not work yet, so retry in a minute.',
  ],
  [
    7000222,
    'the client secret has expired: rotate it (re-run the bootstrap deploy) ' +
      'and update the repository secret.',
  ],
  [
    700016,
    'Entra found no application with this client ID in this tenant: ' +
      'check client-id and tenant-id together, and the cloud in authority-host.',
  ],
  [
    500011,
    'Entra found no service principal for the resource in the scope: ' +
      'create the service principal for the app, ' +
      'and make the scope name one of its Application ID URIs.',
  ],
  [
    90002,
    'Entra does not know this tenant: ' +
      'check tenant-id, and authority-host for the US government or China clouds.',
  ],
  [
    70011,
    'the scope is invalid for client credentials: ' +
      'ask for exactly one {resource}/.default, e.g. api://{client-id}/.default.',
  ],
  [
    700024,
    'the client assertion is outside its valid time: ' +
      'fetch the assertion right before the exchange and check the runner clock.',
  ],
  [
    70021,
    'no federated credential matches the presented token: ' +
      "make the credential's issuer, audience and subject identical to the token's.",
  ],
  [
    700211,
    "no federated credential matches the token's issuer: " +
      "make the credential's issuer identical to the token's `iss`.",
  ],
  [
    700212,
    "no federated credential matches the token's audience: " +
      "make the credential's audience identical to the token's `aud`.",
  ],
  [
    700213,
    "no federated credential matches the token's subject: " +
      "make the credential's subject identical to the token's `sub`.",
  ],
  [
    7002138,
    'a federated credential differs from the token only in letter case: ' +
      "matching is case-sensitive, copy the token's value exactly.",
  ],
]);

/** One-line fixes for the OAuth error codes of RFC 6749 section 5.2 and Okta's common ones. */
const OAUTH_FIXES: Readonly<Record<string, string>> = {
  invalid_client:
    'the identity provider did not accept the client ID and secret: ' +
    'check both, and client-auth (basic or post) against what the client is registered for.',
  invalid_scope:
    'the scope is not known to the authorization server or not granted to this client: ' +
    'check scope.',
  unauthorized_client:
    'this client may not use the client_credentials grant: allow it for the app ' +
    '(Okta: a service app with an access policy rule for client credentials).',
  unsupported_grant_type:
    'the server does not support client_credentials at this endpoint: ' +
    'check token-url, or enable the grant.',
  invalid_request: 'the server rejected the request shape: check scope, resource and client-auth.',
  invalid_target: 'the resource indicator is not known to the server: check resource.',
  access_denied:
    'the authorization server denied the request: check the access policy for this client.',
  temporarily_unavailable: 'the server is overloaded or in maintenance: retry later.',
  server_error: 'the server failed on its side: retry later.',
};

/** Okta's message when no access policy rule allows the grant. */
const OKTA_POLICY = /policy evaluation failed/i;

/**
 * Builds the `OAuthError` for an error response from `host`, with the fix for the most precise
 * code known: an AADSTS code first, then the OAuth `error`. Only the first line of
 * `error_description` is quoted: Entra appends trace IDs and timestamps after it. It is quoted
 * whole: a description may echo a secret, and a cut here, before redaction, would leave a secret
 * that straddles the cut partly in clear; the printed message is capped after redaction instead
 * (`redact` with `maxLength`).
 */
export function oauthError(body: OAuthErrorBody, status: number, host: string): OAuthError {
  const providerCodes = Array.isArray(body.error_codes)
    ? body.error_codes.filter((code): code is number => typeof code === 'number')
    : [];
  const description =
    typeof body.error_description === 'string'
      ? (body.error_description.split(/\r?\n/)[0] ?? '').trim()
      : '';
  const aadsts = description.match(/^AADSTS(\d+)/)?.[1];
  if (aadsts && !providerCodes.includes(Number(aadsts))) providerCodes.unshift(Number(aadsts));

  const entraFix = providerCodes.map((code) => ENTRA_FIXES.get(code)).find(Boolean);
  const oktaFix = OKTA_POLICY.test(description)
    ? 'Okta found no access policy rule that allows client_credentials for this client ' +
      'and scope: add one to the authorization server.'
    : undefined;
  const fix =
    entraFix ??
    oktaFix ??
    OAUTH_FIXES[body.error] ??
    'read the error description above; it comes from the identity provider.';
  const detail = description ? `: ${description.replace(/\.+$/, '')}` : '';
  return new OAuthError(
    { error: body.error, providerCodes, status },
    `The token request to ${host} was refused with ${body.error} (status ${status})${detail}.`,
    fix,
  );
}
