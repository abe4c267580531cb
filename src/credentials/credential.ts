import type { ClientAuth } from '../settings.js';

/**
 * How the client proves who it is at the token endpoint. One implementation per credential kind
 * (a client secret now; a federated token or a signed assertion can follow), each adding its
 * parameters to the form and headers of the token request and nothing else.
 */
export interface ClientCredential {
  readonly kind: string;
  /** Adds the authentication to `form` and `headers`, following `method`. */
  apply(form: URLSearchParams, headers: Record<string, string>, method: ClientAuth): void;
}
