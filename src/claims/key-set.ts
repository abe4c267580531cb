import {
  createLocalJWKSet,
  errors as joseErrors,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
} from 'jose';

import { DiscoveryError } from '../errors.js';
import { parseJsonObject, sendWithRetries, type RequestContext } from '../http/get-json.js';

type KeyGetter = ReturnType<typeof createLocalJWKSet>;
type VerifyKey = Awaited<ReturnType<KeyGetter>>;

/**
 * The key set an issuer publishes at `url`, fetched through the project's transport (so the
 * proxy variables apply, which jose's own fetch would ignore) once, when a token first needs
 * it. A token whose `kid` is not in the set triggers exactly one refetch, for a key the issuer
 * rotated in since; after that, an unknown `kid` is the token's fault, not the cache's.
 */
export class IssuerKeySet {
  readonly url: URL;
  readonly #context: RequestContext;
  #local: Promise<KeyGetter> | undefined;
  #refetched = false;

  constructor(url: URL, context: RequestContext) {
    this.url = url;
    this.#context = context;
  }

  /** The getter jose's `compactVerify` takes. */
  readonly getKey = async (
    header: JWSHeaderParameters,
    token: FlattenedJWSInput,
  ): Promise<VerifyKey> => {
    this.#local ??= this.#fetch();
    try {
      return await (
        await this.#local
      )(header, token);
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey) || this.#refetched) throw error;
      this.#refetched = true;
      this.#context.debug(
        `No key with kid "${String(header.kid)}" in the key set; fetching it again.`,
      );
      this.#local = this.#fetch();
      return (await this.#local)(header, token);
    }
  };

  async #fetch(): Promise<KeyGetter> {
    const url = this.url;
    const { response } = await sendWithRetries(this.#context, {
      method: 'GET',
      url,
      headers: { Accept: 'application/json' },
    });
    if (response.status !== 200) {
      throw new DiscoveryError(
        `The key set at ${url.host}${url.pathname} answered status ${response.status}.`,
        'check tenant-id, authority-host or issuer: ' +
          'the issuer publishes its keys at the jwks_uri of its metadata.',
      );
    }
    const body = parseJsonObject(response, 'key set', url);
    if (!Array.isArray(body['keys'])) {
      throw new DiscoveryError(
        `The key set at ${url.host}${url.pathname} has no "keys" array.`,
        'check that jwks_uri in the issuer metadata points at a JSON Web Key Set (RFC 7517).',
      );
    }
    try {
      return createLocalJWKSet(body as unknown as JSONWebKeySet);
    } catch {
      throw new DiscoveryError(
        `The key set at ${url.host}${url.pathname} is not a valid JSON Web Key Set.`,
        'check that jwks_uri in the issuer metadata points at a JSON Web Key Set (RFC 7517).',
      );
    }
  }
}
