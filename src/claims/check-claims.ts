import type { RequestContext } from '../http/get-json.js';
import type { Profile } from '../profiles/profile.js';
import type { CheckSettings } from '../settings.js';
import { expectedConfiguration, type ExpectedConfiguration } from './expected.js';
import { locateKeys } from './key-location.js';
import { IssuerKeySet } from './key-set.js';
import { ClaimMismatchError, findMismatches } from './mismatches.js';
import { readUnverified, verifySignature } from './verify-signature.js';

/** What a passed check established, for the summary and the verify call. */
export interface ClaimCheckResult {
  readonly expected: ExpectedConfiguration;
  /** The payload whose signature verified. */
  readonly payload: Readonly<Record<string, unknown>>;
  readonly alg: string;
  readonly keysUrl: URL;
}

/**
 * Checks the token the way Corgea does: signature against the key set the issuer publishes
 * (asymmetric algorithms only), then `iss`, `aud`, the calling-app claim, `exp` and `nbf`
 * against the expected configuration. Throws a `ClaimError` for a token that cannot be
 * verified and a `ClaimMismatchError` (with the expectation, for the summary) listing every
 * claim that differs. A healthy check makes at most one metadata and one key-set request.
 */
export async function checkClaims(
  token: string,
  settings: CheckSettings,
  profile: Pick<Profile, 'applicationIdClaim'>,
  context: RequestContext,
): Promise<ClaimCheckResult> {
  const unverified = readUnverified(token);
  const location = await locateKeys(settings, unverified.payload, context);
  const keys = new IssuerKeySet(location.keysUrl, context);
  const payload = await verifySignature(token, unverified, keys);

  const expected = expectedConfiguration(settings, profile, payload, location.metadataIssuer);
  const mismatches = findMismatches(payload, expected, context.clock.now());
  if (mismatches.length > 0) throw new ClaimMismatchError(mismatches, expected);
  return { expected, payload, alg: unverified.alg, keysUrl: location.keysUrl };
}
