/**
 * A real authorization server for the tests: the `oidc-provider` package (which nobody here
 * wrote), issuing RS256 JWT access tokens for `client_credentials`, on 127.0.0.1 at a random
 * port. One server holds two issuers:
 *
 * - `plain`: a generic OpenID Connect issuer at `http://127.0.0.1:PORT/oidc`, found by
 *   discovery, token endpoint `/oidc/token`;
 * - `okta`: mounted the way an Okta custom authorization server is, issuer
 *   `http://127.0.0.1:PORT/oauth2/default`, token endpoint `{issuer}/v1/token`, keys
 *   `{issuer}/v1/keys`, default audience `api://default`, and the calling app in `cid`.
 *
 * The audience comes from the resource indicator (RFC 8707): the `resource` parameter when sent,
 * else the issuer's default audience. Plain http on loopback is what the library accepts
 * without TLS.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, {
  errors,
  type Adapter,
  type AdapterPayload,
  type ClientMetadata,
  type Configuration,
} from 'oidc-provider';

/** A client registered with both issuers. */
export interface PeerClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly method: 'client_secret_basic' | 'client_secret_post';
}

/** The scope every client may ask for; Okta requires a custom scope for client credentials. */
export const PEER_SCOPE = 'corgea:scan';

/** The default audience of each issuer when no `resource` is sent. */
export const PLAIN_DEFAULT_AUDIENCE = 'https://api.corgea.test';
export const OKTA_DEFAULT_AUDIENCE = 'api://default';

/** Resource indicators the issuers know besides their default audience. */
export const PEER_EXTRA_RESOURCE = 'https://scanner.corgea.test';

/**
 * The clients both issuers know. The secrets hold every character that breaks a Basic header
 * that skips form-encoding (`+ & = % ~` and spaces), one for each client-auth method.
 */
export const PEER_CLIENTS = {
  basic: {
    clientId: 'ci-basic',
    clientSecret: 'b+s&e=c%r~e t 2F+%2B',
    method: 'client_secret_basic',
  },
  post: {
    clientId: 'ci-post',
    clientSecret: 'p o+s&t=%7E~secret',
    method: 'client_secret_post',
  },
} as const satisfies Record<string, PeerClient>;

/** One issuer of the peer. */
export interface PeerIssuer {
  /** Exactly as tokens carry it in `iss` and as the discovery document names it. */
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly jwksUri: string;
  readonly defaultAudience: string;
}

export interface OidcPeer {
  readonly origin: string;
  readonly plain: PeerIssuer;
  readonly okta: PeerIssuer;
  /** The public signing key of both issuers (one key, generated at start). */
  readonly publicJwk: JWK;
  /** Paths of the requests received, in order (never bodies or headers). */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

/** Starts the peer on 127.0.0.1 at a random port; `close()` stops it. */
export async function startOidcPeer(): Promise<OidcPeer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const privateJwk = {
    ...(await exportJWK(privateKey)),
    kid: 'peer-rs256',
    alg: 'RS256',
    use: 'sig',
  };
  const publicJwk = {
    ...(await exportJWK(publicKey)),
    kid: 'peer-rs256',
    alg: 'RS256',
    use: 'sig',
  };

  const requests: string[] = [];
  const mounts: { prefix: string; provider: Provider }[] = [];
  const server = http.createServer((req, res) => {
    requests.push((req.url ?? '').split('?')[0] ?? '');
    const mount = mounts.find(
      ({ prefix }) => req.url === prefix || req.url?.startsWith(`${prefix}/`),
    );
    if (!mount) {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    // How oidc-provider learns its mount path outside express/koa: from originalUrl.
    Object.assign(req, { originalUrl: req.url });
    req.url = req.url?.slice(mount.prefix.length) || '/';
    void mount.provider.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const plain: PeerIssuer = {
    issuer: `${origin}/oidc`,
    tokenEndpoint: `${origin}/oidc/token`,
    jwksUri: `${origin}/oidc/jwks`,
    defaultAudience: PLAIN_DEFAULT_AUDIENCE,
  };
  const okta: PeerIssuer = {
    issuer: `${origin}/oauth2/default`,
    tokenEndpoint: `${origin}/oauth2/default/v1/token`,
    jwksUri: `${origin}/oauth2/default/v1/keys`,
    defaultAudience: OKTA_DEFAULT_AUDIENCE,
  };
  mounts.push(
    { prefix: '/oidc', provider: makeProvider(plain, privateJwk, false) },
    { prefix: '/oauth2/default', provider: makeProvider(okta, privateJwk, true) },
  );

  return {
    origin,
    plain,
    okta,
    publicJwk,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function makeProvider(issuer: PeerIssuer, signingKey: JWK, oktaShape: boolean): Provider {
  const clients: ClientMetadata[] = Object.values(PEER_CLIENTS).map((client) => ({
    client_id: client.clientId,
    client_secret: client.clientSecret,
    token_endpoint_auth_method: client.method,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: PEER_SCOPE,
  }));
  const known = new Set([issuer.defaultAudience, PEER_EXTRA_RESOURCE]);

  const configuration: Configuration = {
    adapter: MemoryStore,
    ttl: { ClientCredentials: 3600 },
    clients,
    jwks: { keys: [signingKey] },
    scopes: [PEER_SCOPE],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => issuer.defaultAudience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (!known.has(resource)) throw new errors.InvalidTarget();
          return {
            scope: PEER_SCOPE,
            audience: resource,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 3600,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    // Okta names the calling app in `cid`; oidc-provider puts it in `client_id` (RFC 9068).
    ...(oktaShape
      ? { extraTokenClaims: (_ctx, token) => ({ cid: (token as { clientId?: string }).clientId }) }
      : {}),
    ...(oktaShape ? { routes: { token: '/v1/token', jwks: '/v1/keys' } } : {}),
  };
  const provider = new Provider(issuer.issuer, configuration);
  // Its own errors reach the tests through the HTTP answers it gives, not the console.
  provider.on('server_error', () => undefined);
  return provider;
}

/**
 * Storage for the provider's artefacts, per model, for the life of the peer. oidc-provider has one
 * built in, but announces it on the console at every start; a test wants exactly this one.
 */
class MemoryStore implements Adapter {
  static readonly #stores = new Map<string, Map<string, AdapterPayload>>();
  readonly #store: Map<string, AdapterPayload>;

  constructor(model: string) {
    const stores = MemoryStore.#stores;
    if (!stores.has(model)) stores.set(model, new Map());
    this.#store = stores.get(model) as Map<string, AdapterPayload>;
  }

  async upsert(id: string, payload: AdapterPayload): Promise<void> {
    this.#store.set(id, payload);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.#store.get(id);
  }

  async findByUserCode(code: string): Promise<AdapterPayload | undefined> {
    return [...this.#store.values()].find((payload) => payload.userCode === code);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return [...this.#store.values()].find((payload) => payload.uid === uid);
  }

  async consume(id: string): Promise<void> {
    const payload = this.#store.get(id);
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.#store.delete(id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [id, payload] of this.#store)
      if (payload.grantId === grantId) this.#store.delete(id);
  }
}
