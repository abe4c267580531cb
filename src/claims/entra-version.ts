import { entraTokenVersion, type EntraTokenVersion } from '../entra.js';

/**
 * The Entra token version of `payload`: its `ver` claim, else the shape of its `iss` (v2 issuers
 * end in `/v2.0`). A token that says neither is taken as v1, Entra's default.
 */
export function tokenEntraVersion(payload: Readonly<Record<string, unknown>>): EntraTokenVersion {
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
