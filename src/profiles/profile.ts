import type { RequestContext } from '../http/get-json.js';
import type { CheckSettings, ClientAuth, Provider } from '../settings.js';
import { entraProfile } from './entra.js';
import { oidcProfile } from './oidc.js';
import { oktaProfile } from './okta.js';

/**
 * What differs between identity providers: where to ask for a token, how the client
 * authenticates, which claim names the calling app, and which issuer to expect.
 */
export interface Profile {
  readonly provider: Provider;
  readonly tokenEndpoint: URL;
  readonly clientAuth: ClientAuth;
  /**
   * The issuer tokens are expected to carry, when it is known before a token arrives. Entra's
   * depends on the token version, so its profile leaves this to `expectedIssuer`.
   */
  readonly issuer: string | undefined;
  /** The name of the claim that holds the calling app's client ID in `payload`. */
  applicationIdClaim(payload: Readonly<Record<string, unknown>>): string;
}

/** Builds the profile for the settings' provider; only `oidc` makes a request (discovery). */
export async function resolveProfile(
  settings: CheckSettings,
  context: RequestContext,
): Promise<Profile> {
  switch (settings.provider) {
    case 'entra':
      return entraProfile(settings);
    case 'okta':
      return oktaProfile(settings);
    case 'oidc':
      return oidcProfile(settings, context);
  }
}
