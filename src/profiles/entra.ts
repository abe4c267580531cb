import { entraApplicationIdClaim, entraTokenUrl, entraVersionOf } from '../entra.js';
import type { CheckSettings } from '../settings.js';
import type { Profile } from './profile.js';

/**
 * Microsoft Entra ID: `{authority-host}/{tenant-id}/oauth2/v2.0/token`, credentials in the form
 * body (Entra's documented way), the calling app in `appid` (v1 tokens) or `azp` (v2).
 */
export function entraProfile(settings: CheckSettings): Profile {
  return {
    provider: 'entra',
    tokenEndpoint:
      settings.tokenUrl ?? entraTokenUrl(settings.authorityHost, settings.tenantId ?? ''),
    clientAuth: settings.clientAuth ?? 'post',
    issuer: undefined,
    applicationIdClaim: (payload) => entraApplicationIdClaim(entraVersionOf(payload)),
  };
}
