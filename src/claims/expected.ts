import {
  entraApplicationIdClaim,
  entraAudience,
  entraIssuer,
  entraIssuerShape,
  entraVersionOf,
  type EntraTokenVersion,
} from '../entra.js';
import { ClaimError } from '../errors.js';
import type { Profile } from '../profiles/profile.js';
import { isGuid, type CheckSettings } from '../settings.js';

/** Where an expected value came from: an input, or the profile and the token request. */
export type ExpectedSource = 'input' | 'profile';

/**
 * The Corgea JWT-auth configuration the token is checked against: issuer, audience and allowed
 * application IDs, and the claim that names the calling app.
 */
export interface ExpectedConfiguration {
  readonly issuer: string;
  readonly issuerSource: ExpectedSource;
  /** Undefined when it can neither be read from an input nor derived: `aud` is then not checked. */
  readonly audience: string | undefined;
  readonly audienceSource: ExpectedSource | undefined;
  readonly applicationIdClaim: string;
  readonly allowedApplicationIds: readonly string[];
  readonly applicationIdsSource: ExpectedSource;
  /** Entra: the token version the configuration is for. */
  readonly entraVersion: EntraTokenVersion | undefined;
}

/**
 * The audience of Okta's built-in `default` authorization server. A custom server's audience is
 * whatever its admin entered, so it is only checked when `expected-audience` names it.
 */
export const OKTA_DEFAULT_AUDIENCE = 'api://default';

/**
 * The configuration to expect: each value from its input when given, otherwise derived.
 *
 * - Entra: the issuer of the configured version (the version of `expected-issuer` when that has
 *   an Entra shape, else the token's) for the tenant, the audience the scope asked for (v1) or
 *   the resource app's client ID (v2), and `appid` (v1) or `azp` (v2) equal to `client-id`;
 * - Okta: `issuer`, `api://default`, and `cid` equal to `client-id`;
 * - any other issuer: `issuer`, `resource` when sent, and the profile's calling-app claim.
 *
 * `metadataIssuer` is the issuer read from Entra metadata when the tenant was given as a domain:
 * tokens carry the tenant GUID, which only the metadata (or the token) tells.
 */
export function expectedConfiguration(
  settings: CheckSettings,
  profile: Pick<Profile, 'applicationIdClaim'>,
  payload: Readonly<Record<string, unknown>>,
  metadataIssuer: string | undefined,
): ExpectedConfiguration {
  const ids = settings.allowedApplicationIds;
  const applicationIds = {
    allowedApplicationIds: ids ?? [settings.clientId],
    applicationIdsSource: ids ? ('input' as const) : ('profile' as const),
  };
  const audience = (derived: string | undefined) =>
    settings.expectedAudience
      ? { audience: settings.expectedAudience, audienceSource: 'input' as const }
      : {
          audience: derived,
          audienceSource: derived === undefined ? undefined : ('profile' as const),
        };

  if (settings.provider !== 'entra') {
    const derivedAudience =
      settings.provider === 'okta'
        ? /\/oauth2\/default\/?$/.test(settings.issuer ?? '')
          ? OKTA_DEFAULT_AUDIENCE
          : settings.resource
        : settings.resource;
    return {
      issuer: settings.expectedIssuer ?? settings.issuer ?? '',
      issuerSource: settings.expectedIssuer ? 'input' : 'profile',
      ...audience(derivedAudience),
      applicationIdClaim: profile.applicationIdClaim(payload),
      ...applicationIds,
      entraVersion: undefined,
    };
  }

  const given = settings.expectedIssuer;
  const version = (given && entraIssuerShape(given)?.version) || entraVersionOf(payload);
  const scope = settings.scope ?? `api://${settings.clientId}/.default`;
  return {
    issuer:
      given ??
      entraIssuer(
        entraTenantGuid(settings, payload, metadataIssuer),
        version,
        settings.authorityHost,
      ),
    issuerSource: given ? 'input' : 'profile',
    ...audience(entraExpectedAudience(version, scope)),
    applicationIdClaim: entraApplicationIdClaim(version),
    ...applicationIds,
    entraVersion: version,
  };
}

/** v1: the identifier in the scope; v2: the resource app's client ID, when the scope names it. */
function entraExpectedAudience(version: EntraTokenVersion, scope: string): string | undefined {
  if (version === 1) return entraAudience(1, scope, '');
  const resource = scope.replace(/\/\.default$/, '').replace(/^api:\/\//, '');
  // LIMITATION: a scope that names the resource by a custom Application ID URI does not tell
  // its client ID, which v2 tokens carry in aud; aud is then not checked unless
  // expected-audience is given, and the summary marks the audience as not checked.
  return isGuid(resource) ? entraAudience(2, scope, resource) : undefined;
}

/** The tenant GUID that tokens carry: the input, or from the metadata, or the token's `tid`. */
function entraTenantGuid(
  settings: CheckSettings,
  payload: Readonly<Record<string, unknown>>,
  metadataIssuer: string | undefined,
): string {
  const tenant = settings.tenantId ?? '';
  if (isGuid(tenant)) return tenant;
  const fromMetadata = metadataIssuer ? entraIssuerShape(metadataIssuer)?.tenantId : undefined;
  if (fromMetadata) return fromMetadata;
  const tid = payload['tid'];
  if (typeof tid === 'string' && isGuid(tid)) return tid;
  throw new ClaimError(
    'tid',
    `The tenant "${tenant}" is a domain, and neither the Entra metadata nor the token's tid ` +
      'claim gave the tenant GUID that the issuer contains.',
    'pass tenant-id as the directory (tenant) ID GUID, or give expected-issuer.',
  );
}
