import type { ExpectedConfiguration } from './claims/expected.js';
import type { Mismatch } from './claims/mismatches.js';
import { CorgeaError } from './errors.js';
import {
  fetchToken,
  requestContext,
  type FetchDependencies,
  type FetchedToken,
} from './fetch-token.js';
import type { Settings } from './settings.js';

/** What a run learnt, as far as it got; filled step by step so that a failure still shows it. */
export interface ObtainFacts {
  token?: FetchedToken;
  /** Set when the claim check ran: the expectation, and what differed (empty when it passed). */
  check?: { readonly expected: ExpectedConfiguration; readonly mismatches: readonly Mismatch[] };
  /** undefined: not asked; true: Corgea accepted the token; false: it refused. */
  corgeaAccepted?: boolean;
}

export interface ObtainDependencies extends Pick<
  FetchDependencies,
  'log' | 'protect' | 'transport' | 'clock'
> {
  /** Filled as the run goes, for the action's job summary; a fresh object when not given. */
  readonly facts?: ObtainFacts;
}

/**
 * The job-time sequence the action and the command line's `token` share: fetch the token, then,
 * as the settings ask (`check-claims`, `verify`, both on by default), check its signature and
 * claims against the expected Corgea configuration and ask Corgea's verify endpoint to accept it.
 * Resolves with the token only when every enabled check passed, so a caller that writes the
 * token out after this returns never hands on a token Corgea would refuse. One request context
 * serves all three steps: the issuer's metadata is fetched once.
 */
export async function obtainToken(
  settings: Settings,
  deps: ObtainDependencies,
): Promise<FetchedToken> {
  const facts = deps.facts ?? {};
  const context = requestContext(settings, deps);
  const token = await fetchToken(settings, { log: deps.log, protect: deps.protect, context });
  facts.token = token;

  // The claim and Corgea modules load only when asked for: a run with both off never pays for jose.
  if (settings.checkClaims) {
    const { checkClaims } = await import('./claims/check-claims.js');
    const { ClaimMismatchError, CORGEA_CALLER_CLAIMS } = await import('./claims/mismatches.js');
    try {
      const result = await checkClaims(token.accessToken, settings, token.profile, context);
      facts.check = { expected: result.expected, mismatches: [] };
    } catch (error) {
      if (error instanceof ClaimMismatchError) {
        facts.check = { expected: error.expected, mismatches: error.mismatches };
      }
      throw error;
    }
    const callerClaim = facts.check.expected.applicationIdClaim;
    deps.log.info(
      `The token's signature (keys of ${token.issuer}) and its iss, aud, ` +
        `${callerClaim}, exp and nbf match the expected Corgea configuration.`,
    );
    if (!CORGEA_CALLER_CLAIMS.includes(callerClaim)) {
      deps.log.warning(
        `The token names its calling app in ${callerClaim}, while Corgea documents appid or cid; ` +
          (settings.verify
            ? "Corgea's verify call below shows whether it accepts the token."
            : 'turn verify on to learn whether Corgea accepts the token.'),
      );
    }
  }

  if (settings.verify) {
    const { verifyWithCorgea } = await import('./corgea/verify.js');
    try {
      await verifyWithCorgea(token.accessToken, settings.corgeaUrl, context, {
        payload: token.payload,
        expected: facts.check?.expected,
        claimsChecked: facts.check !== undefined,
      });
      facts.corgeaAccepted = true;
    } catch (error) {
      if (error instanceof CorgeaError && (error.status === 401 || error.status === 403)) {
        facts.corgeaAccepted = false;
      }
      throw error;
    }
    deps.log.info(`Corgea at ${settings.corgeaUrl.host} accepts the token.`);
  }
  return token;
}
