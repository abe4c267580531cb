import { basicAuthorization, clientSecretCredential } from './credentials/client-secret.js';
import type { RequestContext } from './http/get-json.js';
import { systemClock, type RetryClock } from './http/retry.js';
import { nodeTransport, type Transport } from './http/transport.js';
import { audienceText, decodeJwtPayload } from './jwt-payload.js';
import type { Logger } from './log.js';
import { resolveProfile, type Profile } from './profiles/profile.js';
import type { Settings } from './settings.js';
import { requestToken, type TokenResponse } from './token-request.js';

/** What the action and the command line learn from one fetch. */
export interface FetchedToken extends TokenResponse {
  readonly profile: Profile;
  /** The token's payload, decoded but not verified; undefined for an opaque token. */
  readonly payload: Readonly<Record<string, unknown>> | undefined;
  /** From the payload: empty strings for an opaque token. */
  readonly issuer: string;
  readonly audience: string;
  readonly applicationId: string;
  readonly applicationIdClaim: string;
}

export interface FetchDependencies {
  readonly log: Logger;
  /** Called with every credential in the response before anything else sees it. */
  readonly protect: (value: string) => void;
  readonly transport?: Transport;
  readonly clock?: RetryClock;
  /** The run's request context, shared with the claim check and the verify call. */
  readonly context?: RequestContext;
}

/**
 * The request context of one run: the node transport (proxy variables honoured) unless another
 * is injected, and a metadata cache so that discovery happens once per issuer per run.
 */
export function requestContext(
  settings: Pick<Settings, 'attempts' | 'timeoutMs'>,
  deps: Pick<FetchDependencies, 'log' | 'transport' | 'clock'>,
): RequestContext {
  return {
    transport: deps.transport ?? nodeTransport({ userAgent: 'corgea-idp-auth' }),
    clock: deps.clock ?? systemClock,
    attempts: settings.attempts,
    timeoutMs: settings.timeoutMs,
    debug: (message) => deps.log.debug(message),
    metadata: new Map(),
  };
}

/**
 * The job-time flow up to the token: profile (with discovery for `oidc`), credential, token
 * request with classified retries, and the unverified claims of the token for the outputs.
 */
export async function fetchToken(
  settings: Settings,
  deps: FetchDependencies,
): Promise<FetchedToken> {
  const context = deps.context ?? requestContext(settings, deps);
  const profile = await resolveProfile(settings, context);
  // With client_secret_basic the secret travels as base64 of id:secret, which neither masking
  // nor redaction of the secret itself would recognise should a server or proxy echo it.
  if (profile.clientAuth === 'basic') {
    const header = basicAuthorization(settings.clientId, settings.clientSecret.reveal());
    deps.protect(header.replace(/^Basic /, ''));
  }

  deps.log.info(
    `Requesting an access token from ${settings.provider} at ${profile.tokenEndpoint.host} ` +
      `for client ID ${settings.clientId} (client auth: ${profile.clientAuth}).`,
  );

  const started = context.clock.now();
  const token = await requestToken(
    {
      profile,
      credential: clientSecretCredential(settings.clientId, settings.clientSecret),
      scope: settings.scope,
      resource: settings.resource,
    },
    context,
    deps.protect,
  );
  deps.log.debug(`Token request took ${context.clock.now() - started} ms.`);

  const payload = decodeJwtPayload(token.accessToken);
  const applicationIdClaim = payload ? profile.applicationIdClaim(payload) : '';
  const claim = (name: string) =>
    typeof payload?.[name] === 'string' ? (payload[name] as string) : '';
  const attempts = token.attempts === 1 ? '1 attempt' : `${token.attempts} attempts`;
  deps.log.info(
    `Got a ${token.tokenType} token after ${attempts}; ` +
      `it expires at ${token.expiresAt.toISOString()} ` +
      `(in ${token.expiresIn} s${token.expirySource === 'exp' ? ', from its exp claim' : ''}).`,
  );
  return {
    ...token,
    profile,
    payload,
    issuer: claim('iss'),
    audience: payload ? audienceText(payload['aud']) : '',
    applicationId: applicationIdClaim ? claim(applicationIdClaim) : '',
    applicationIdClaim,
  };
}
