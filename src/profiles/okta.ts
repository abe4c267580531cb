import type { CheckSettings } from '../settings.js';
import { joinUrl } from '../urls.js';
import type { Profile } from './profile.js';

/**
 * An Okta custom authorization server (`https://{domain}/oauth2/{server-id}`): token endpoint
 * `{issuer}/v1/token`, HTTP Basic client authentication (Okta's default for service apps), the
 * calling app in `cid`.
 */
export function oktaProfile(settings: CheckSettings): Profile {
  const issuer = settings.issuer ?? '';
  return {
    provider: 'okta',
    tokenEndpoint: settings.tokenUrl ?? joinUrl(issuer, 'v1/token'),
    clientAuth: settings.clientAuth ?? 'basic',
    issuer,
    applicationIdClaim: () => 'cid',
  };
}
