import { discoverIssuer, metadataUrl } from '../discovery.js';
import { entraKeysUrl, entraMetadataUrl, entraVersionOf } from '../entra.js';
import { DiscoveryError } from '../errors.js';
import { parseJsonObject, sendWithRetries, type RequestContext } from '../http/get-json.js';
import { isGuid, type CheckSettings } from '../settings.js';
import { joinUrl } from '../urls.js';

/** Where the keys that sign the token are published, and what the metadata said on the way. */
export interface KeyLocation {
  readonly keysUrl: URL;
  /** The `issuer` of the metadata document, when one was read. */
  readonly metadataIssuer: string | undefined;
}

/**
 * Finds the key set that signs the token, making as few requests as the provider allows:
 *
 * - Entra with a tenant GUID: the documented keys URL of the token's version, no metadata;
 * - Entra with a tenant domain: the metadata of the token's version, whose issuer also gives
 *   the tenant GUID that tokens carry;
 * - Okta: `{issuer}/v1/keys`, as the profile takes `{issuer}/v1/token`;
 * - any other issuer: `jwks_uri` from its metadata, read once per run (the profile's discovery
 *   is reused when it ran).
 */
export async function locateKeys(
  settings: CheckSettings,
  payload: Readonly<Record<string, unknown>>,
  context: RequestContext,
): Promise<KeyLocation> {
  switch (settings.provider) {
    case 'entra':
      return locateEntraKeys(settings, payload, context);
    case 'okta':
      return { keysUrl: joinUrl(settings.issuer ?? '', 'v1/keys'), metadataIssuer: undefined };
    case 'oidc': {
      const issuer = settings.issuer ?? '';
      const metadata = await discoverIssuer(issuer, context);
      if (!metadata.jwksUri) {
        throw new DiscoveryError(
          `The metadata of ${issuer} at ${metadata.source.host}${metadata.source.pathname} ` +
            'has no jwks_uri, so the token signature cannot be checked the way Corgea checks it.',
          'publish jwks_uri in the issuer metadata (Corgea needs it too), ' +
            'or set check-claims: false.',
        );
      }
      return { keysUrl: metadata.jwksUri, metadataIssuer: metadata.issuer };
    }
  }
}

async function locateEntraKeys(
  settings: CheckSettings,
  payload: Readonly<Record<string, unknown>>,
  context: RequestContext,
): Promise<KeyLocation> {
  const tenant = settings.tenantId ?? '';
  const version = entraVersionOf(payload);
  if (isGuid(tenant)) {
    return {
      keysUrl: entraKeysUrl(settings.authorityHost, tenant, version),
      metadataIssuer: undefined,
    };
  }

  const url = entraMetadataUrl(settings.authorityHost, tenant, version);
  const { response } = await sendWithRetries(context, {
    method: 'GET',
    url,
    headers: { Accept: 'application/json' },
  });
  if (response.status !== 200) {
    throw new DiscoveryError(
      `The Entra metadata at ${url.host}${url.pathname} answered status ${response.status}.`,
      'check tenant-id (a verified domain of the tenant, or its GUID) and authority-host.',
    );
  }
  const doc = parseJsonObject(response, 'Entra metadata', url);
  const issuer = doc['issuer'];
  const jwks = doc['jwks_uri'];
  if (typeof issuer !== 'string' || typeof jwks !== 'string') {
    throw new DiscoveryError(
      `The Entra metadata at ${url.host}${url.pathname} lacks issuer or jwks_uri.`,
      'check authority-host: it must be the Entra authority of your cloud.',
    );
  }
  return {
    keysUrl: metadataUrl('jwks_uri', jwks, url),
    metadataIssuer: issuer,
  };
}
