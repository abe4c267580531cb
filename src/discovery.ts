import { DiscoveryError, InputError } from './errors.js';
import { parseJsonObject, sendWithRetries, type RequestContext } from './http/get-json.js';
import { joinUrl, parseServiceUrl } from './urls.js';

/** The fields of an authorization server's metadata that this project reads. */
export interface IssuerMetadata {
  readonly issuer: string;
  readonly tokenEndpoint: URL;
  /** Absent means the server did not say; RFC 8414 then implies `client_secret_basic`. */
  readonly tokenEndpointAuthMethods: readonly string[] | undefined;
  readonly jwksUri: URL | undefined;
  /** Where the document was found. */
  readonly source: URL;
}

/**
 * Reads the issuer's metadata: first `{issuer}/.well-known/openid-configuration` (OpenID Connect
 * Discovery), then the RFC 8414 location `/.well-known/oauth-authorization-server{issuer path}`.
 * The document's `issuer` must equal the given issuer exactly, as both specifications require:
 * a mismatch means tokens will carry another `iss` than the one configured in Corgea.
 */
export function discoverIssuer(
  issuerText: string,
  context: RequestContext,
): Promise<IssuerMetadata> {
  const cached = context.metadata?.get(issuerText);
  if (cached) return cached;
  const pending = readIssuerMetadata(issuerText, context);
  if (context.metadata) {
    context.metadata.set(issuerText, pending);
    // A failed discovery is not remembered: the next caller reports its own failure afresh.
    pending.catch(() => context.metadata?.delete(issuerText));
  }
  return pending;
}

async function readIssuerMetadata(
  issuerText: string,
  context: RequestContext,
): Promise<IssuerMetadata> {
  const issuer = new URL(issuerText);
  const path = issuer.pathname.replace(/\/+$/, '');
  const locations = [
    joinUrl(issuer, '.well-known/openid-configuration'),
    new URL(`/.well-known/oauth-authorization-server${path}`, issuer.origin),
  ];
  const tried: string[] = [];
  for (const url of locations) {
    const { response } = await sendWithRetries(context, {
      method: 'GET',
      url,
      headers: { Accept: 'application/json' },
    });
    if (response.status === 404 || response.status === 405 || response.status === 403) {
      tried.push(`${url.pathname} (${response.status})`);
      continue;
    }
    if (response.status !== 200) {
      throw new DiscoveryError(
        `The issuer metadata at ${url.host}${url.pathname} answered status ${response.status}.`,
        'check the issuer input and that the server is up.',
      );
    }
    return readMetadata(parseJsonObject(response, 'issuer metadata', url), issuerText, url);
  }
  throw new DiscoveryError(
    `No issuer metadata found at ${issuer.host}: tried ${tried.join(' and ')}.`,
    'check the issuer input, or pass token-url to skip discovery.',
  );
}

function readMetadata(doc: Record<string, unknown>, given: string, source: URL): IssuerMetadata {
  if (doc['issuer'] !== given) {
    throw new DiscoveryError(
      `The metadata at ${source.host}${source.pathname} ` +
        `describes the issuer "${String(doc['issuer'])}", not "${given}" as given.`,
      'set issuer to exactly the value in the metadata document (trailing slash included); ' +
        'tokens carry that value in `iss`.',
    );
  }
  const endpoint = doc['token_endpoint'];
  if (typeof endpoint !== 'string') {
    throw new DiscoveryError(
      `The metadata at ${source.host}${source.pathname} has no token_endpoint.`,
      'pass token-url, or enable the token endpoint on the authorization server.',
    );
  }
  const methods = doc['token_endpoint_auth_methods_supported'];
  const jwks = doc['jwks_uri'];
  return {
    issuer: given,
    tokenEndpoint: metadataUrl('token_endpoint', endpoint, source),
    tokenEndpointAuthMethods: Array.isArray(methods)
      ? methods.filter((m): m is string => typeof m === 'string')
      : undefined,
    jwksUri: typeof jwks === 'string' ? metadataUrl('jwks_uri', jwks, source) : undefined,
    source,
  };
}

/** A URL field of the metadata, held to the rules of an input URL; the server is at fault. */
export function metadataUrl(field: string, value: string, source: URL): URL {
  try {
    return parseServiceUrl(field, value);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new DiscoveryError(
      `The metadata at ${source.host}${source.pathname} has an unusable ${field}: ${error.detail}`,
      'pass token-url to use the right endpoint, and ask the operator to correct the metadata.',
    );
  }
}
