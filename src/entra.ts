/**
 * What Microsoft Entra ID puts in its access tokens, and where it publishes its metadata. This is
 * the one place that knows; the action's claim check and the CDKTF constructs both derive from it,
 * so they can never disagree about what a v1 or a v2 token carries.
 *
 * The token version is chosen by the *resource* app's `requestedAccessTokenVersion` (manifest
 * `accessTokenAcceptedVersion`; null or 1 gives v1), never by which token endpoint was called.
 */
import { joinUrl } from './urls.js';

export type EntraTokenVersion = 1 | 2;

/** The public cloud's authority host. */
export const ENTRA_PUBLIC_AUTHORITY = 'https://login.microsoftonline.com';

/** v1 issuers live on a security token service host per cloud, not on the authority host. */
const V1_ISSUER_HOSTS: Readonly<Record<string, string>> = {
  'login.microsoftonline.com': 'https://sts.windows.net',
  'login.microsoftonline.us': 'https://sts.windows.net',
  'login.chinacloudapi.cn': 'https://sts.chinacloudapi.cn',
  // Microsoft's current authority for the China cloud; its v1 tokens come from the same STS.
  'login.partner.microsoftonline.cn': 'https://sts.chinacloudapi.cn',
};

/** The client-credentials token endpoint: `{authority}/{tenant}/oauth2/v2.0/token`. */
export function entraTokenUrl(authorityHost: URL | string, tenant: string): URL {
  return joinUrl(authorityHost, `${encodeURIComponent(tenant)}/oauth2/v2.0/token`);
}

/**
 * The `iss` of an access token of `version` for `tenantId` (a GUID: tokens never carry a
 * domain). v1: `https://sts.windows.net/{tenant}/`, with the trailing slash; v2:
 * `{authority}/{tenant}/v2.0`. An authority host that is not a known cloud (a test stand-in)
 * issues v1 tokens under its own host.
 */
export function entraIssuer(
  tenantId: string,
  version: EntraTokenVersion,
  authorityHost: URL | string = ENTRA_PUBLIC_AUTHORITY,
): string {
  // Plain string joins: the CDKTF constructs pass Terraform tokens, which URL() would escape.
  const authority = new URL(String(authorityHost));
  if (version === 2) return `${String(authorityHost).replace(/\/+$/, '')}/${tenantId}/v2.0`;
  const sts = V1_ISSUER_HOSTS[authority.host] ?? authority.origin;
  return `${sts}/${tenantId}/`;
}

/** The version a token says it is (`ver`), or undefined when the claim is missing or unknown. */
export function entraTokenVersion(
  payload: Readonly<Record<string, unknown>>,
): EntraTokenVersion | undefined {
  if (payload['ver'] === '1.0') return 1;
  if (payload['ver'] === '2.0') return 2;
  return undefined;
}

/**
 * The Entra token version of `payload`: its `ver` claim, else the shape of its `iss` (v2 issuers
 * end in `/v2.0`). A token that says neither is taken as v1, Entra's default.
 */
export function entraVersionOf(payload: Readonly<Record<string, unknown>>): EntraTokenVersion {
  const ver = entraTokenVersion(payload);
  if (ver) return ver;
  const iss = payload['iss'];
  return typeof iss === 'string' && /\/v2\.0\/?$/.test(iss) ? 2 : 1;
}

const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const V1_ISSUER = new RegExp(`^https?://[^/]+/(${GUID})/$`, 'i');
const V2_ISSUER = new RegExp(`^https?://[^/]+/(${GUID})/v2\\.0$`, 'i');

/**
 * The Entra version and tenant an issuer value has the shape of: `{sts host}/{tenant}/` (v1, the
 * trailing slash included) or `{authority}/{tenant}/v2.0` (v2). Undefined for any other shape.
 */
export function entraIssuerShape(
  issuer: string,
): { version: EntraTokenVersion; tenantId: string } | undefined {
  const v1 = V1_ISSUER.exec(issuer);
  if (v1?.[1]) return { version: 1, tenantId: v1[1] };
  const v2 = V2_ISSUER.exec(issuer);
  if (v2?.[1]) return { version: 2, tenantId: v2[1] };
  return undefined;
}

/** The claim that holds the calling application's client ID: `appid` (v1) or `azp` (v2). */
export function entraApplicationIdClaim(version: EntraTokenVersion): 'appid' | 'azp' {
  return version === 1 ? 'appid' : 'azp';
}

/**
 * The `aud` of a token requested with `scope` for a resource app whose client ID is
 * `resourceClientId`. v1 carries the identifier named in the scope (`api://…` when the scope was
 * `api://…/.default`); v2 always carries the resource app's client ID.
 */
export function entraAudience(
  version: EntraTokenVersion,
  scope: string,
  resourceClientId: string,
): string {
  if (version === 2) return resourceClientId;
  return scope.replace(/\/\.default$/, '');
}

/** The metadata document for tokens of `version`. */
export function entraMetadataUrl(
  authorityHost: URL | string,
  tenant: string,
  version: EntraTokenVersion,
): URL {
  const path =
    version === 1 ? '.well-known/openid-configuration' : 'v2.0/.well-known/openid-configuration';
  return joinUrl(authorityHost, `${encodeURIComponent(tenant)}/${path}`);
}

/** The key set that signs tokens of `version`. */
export function entraKeysUrl(
  authorityHost: URL | string,
  tenant: string,
  version: EntraTokenVersion,
): URL {
  const path = version === 1 ? 'discovery/keys' : 'discovery/v2.0/keys';
  return joinUrl(authorityHost, `${encodeURIComponent(tenant)}/${path}`);
}

/** The three values a Corgea JWT-auth configuration holds for an Entra app. */
export interface CorgeaJwtValues {
  readonly issuer: string;
  readonly audience: string;
  readonly allowedApplicationIds: readonly string[];
  /** Which claim Corgea compares with the allowed application IDs. */
  readonly applicationIdClaim: 'appid' | 'azp';
}

/**
 * The Corgea configuration that accepts tokens an app registration obtains for itself with
 * client credentials: issuer for the tenant and version, audience per version, and the app's
 * own client ID as the only allowed application.
 */
export function entraCorgeaValues(options: {
  tenantId: string;
  clientId: string;
  applicationIdUri: string;
  version: EntraTokenVersion;
  authorityHost?: URL | string;
}): CorgeaJwtValues {
  const { tenantId, clientId, applicationIdUri, version } = options;
  return {
    issuer: entraIssuer(tenantId, version, options.authorityHost ?? ENTRA_PUBLIC_AUTHORITY),
    audience: entraAudience(version, `${applicationIdUri}/.default`, clientId),
    allowedApplicationIds: [clientId],
    applicationIdClaim: entraApplicationIdClaim(version),
  };
}
