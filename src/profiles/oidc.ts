import { discoverIssuer } from '../discovery.js';
import { DiscoveryError } from '../errors.js';
import type { RequestContext } from '../http/get-json.js';
import type { CheckSettings, ClientAuth } from '../settings.js';
import type { Profile } from './profile.js';

/**
 * Claims that name the calling app, in the order they are looked for. RFC 9068 names `client_id`.
 */
const APPLICATION_ID_CLAIMS = ['client_id', 'azp', 'cid', 'appid'] as const;

/**
 * Any OpenID Connect or RFC 8414 issuer. The token endpoint and the client authentication method
 * come from its metadata unless `token-url` and `client-auth` say otherwise; with both given,
 * no discovery request is made.
 */
export async function oidcProfile(
  settings: CheckSettings,
  context: RequestContext,
): Promise<Profile> {
  const issuer = settings.issuer ?? '';
  const shared = {
    provider: 'oidc' as const,
    issuer,
    applicationIdClaim: (payload: Readonly<Record<string, unknown>>) =>
      APPLICATION_ID_CLAIMS.find((claim) => typeof payload[claim] === 'string') ?? 'client_id',
  };
  if (settings.tokenUrl && settings.clientAuth) {
    return { ...shared, tokenEndpoint: settings.tokenUrl, clientAuth: settings.clientAuth };
  }

  const metadata = await discoverIssuer(issuer, context);
  return {
    ...shared,
    tokenEndpoint: settings.tokenUrl ?? metadata.tokenEndpoint,
    clientAuth: settings.clientAuth ?? chooseClientAuth(metadata.tokenEndpointAuthMethods, issuer),
  };
}

/**
 * Picks the secret-based method the server supports, preferring HTTP Basic. RFC 8414: when the
 * server lists no methods, `client_secret_basic` is the default.
 */
export function chooseClientAuth(
  methods: readonly string[] | undefined,
  issuer: string,
): ClientAuth {
  if (!methods || methods.length === 0 || methods.includes('client_secret_basic')) return 'basic';
  if (methods.includes('client_secret_post')) return 'post';
  throw new DiscoveryError(
    `The issuer ${issuer} supports neither client_secret_basic nor client_secret_post ` +
      `at its token endpoint; it lists ${methods.join(', ')}.`,
    'enable client_secret_basic or client_secret_post for this client, or set client-auth if the ' +
      'metadata is wrong.',
  );
}
