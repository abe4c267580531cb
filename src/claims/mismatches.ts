import { ClaimError } from '../errors.js';
import { audienceCause, issuerCause, missingApplicationIdCause } from './causes.js';
import type { ExpectedConfiguration } from './expected.js';

/** The clock difference tolerated between the issuer, the runner and Corgea. */
export const CLOCK_ALLOWANCE_SECONDS = 60;

/** One claim that differs from the configuration, with its cause and fix. */
export interface Mismatch {
  readonly claim: string;
  /** As found in the token, or a description such as `(absent)`. */
  readonly found: string;
  readonly expected: string;
  readonly cause: string;
  readonly fix: string;
}

/** The line a mismatch is reported with, the same in the action and the command line. */
export function mismatchLine(m: Mismatch): string {
  return `Claim ${m.claim}: found ${m.found}, expected ${m.expected}. ${m.cause} Fix: ${m.fix}`;
}

/** The token's claims differ from the configuration; every differing claim is listed. */
export class ClaimMismatchError extends ClaimError {
  readonly mismatches: readonly Mismatch[];
  /** The configuration the token was compared with. */
  readonly expected: ExpectedConfiguration;

  constructor(mismatches: readonly Mismatch[], expected: ExpectedConfiguration) {
    const [first] = mismatches;
    if (!first) throw new RangeError('ClaimMismatchError needs at least one mismatch.');
    const problem =
      mismatches.length === 1
        ? `Claim ${first.claim}: found ${first.found}, expected ${first.expected}. ${first.cause}`
        : [
            'The token differs from the Corgea JWT-auth configuration in ' +
              `${mismatches.length} claims:`,
            ...mismatches.map((m) => `- ${mismatchLine(m)}`),
          ];
    super(first.claim, problem, mismatches.length === 1 ? first.fix : undefined);
    this.mismatches = mismatches;
    this.expected = expected;
  }
}

/**
 * Compares a verified payload with the configuration as Corgea does: `iss` exactly, `aud` (one
 * of the token's audiences) exactly, the calling-app claim against the allowed application IDs,
 * then `exp` and `nbf` with `CLOCK_ALLOWANCE_SECONDS`. Returns every mismatch, none when the
 * token fits.
 */
export function findMismatches(
  payload: Readonly<Record<string, unknown>>,
  expected: ExpectedConfiguration,
  nowMs: number,
): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const iss = payload['iss'];
  if (iss !== expected.issuer) {
    const found = typeof iss === 'string' ? iss : '';
    mismatches.push({
      claim: 'iss',
      found: typeof iss === 'string' ? quote(iss) : '(absent)',
      expected: quote(expected.issuer),
      ...issuerCause(found, expected.issuer),
    });
  }

  if (expected.audience !== undefined) {
    const audiences = audienceList(payload['aud']);
    if (!audiences.includes(expected.audience)) {
      mismatches.push({
        claim: 'aud',
        found: audiences.length ? listed(audiences) : '(absent)',
        expected: quote(expected.audience),
        ...audienceCause(audiences, expected.audience),
      });
    }
  }

  const claim = expected.applicationIdClaim;
  const app = payload[claim];
  const allowed = expected.allowedApplicationIds.map(quote).join(', ');
  if (typeof app !== 'string') {
    mismatches.push({
      claim,
      found: '(absent)',
      expected: allowed,
      ...missingApplicationIdCause(payload, claim),
    });
  } else if (!expected.allowedApplicationIds.includes(app)) {
    mismatches.push({
      claim,
      found: quote(app),
      expected: expected.allowedApplicationIds.length > 1 ? `one of ${allowed}` : allowed,
      cause: 'The calling app is not among the allowed application IDs.',
      fix:
        `add "${app}" to the allowed application IDs in Corgea (one per line) if this app may ` +
        'call Corgea, or check client-id.',
    });
  }

  mismatches.push(...otherCallerClaims(payload, claim, expected.allowedApplicationIds));
  mismatches.push(...lifetimeMismatches(payload, nowMs));
  return mismatches;
}

/** The claims Corgea documents for the calling app; it may read either, whichever we checked. */
export const CORGEA_CALLER_CLAIMS: readonly string[] = ['appid', 'cid'];

/**
 * A token can name its caller in more than one claim (`client_id` and `cid`, say). Corgea reads
 * `appid` or `cid`, so one of those that names another app would be refused there even though
 * the claim the profile checks is allowed.
 */
function otherCallerClaims(
  payload: Readonly<Record<string, unknown>>,
  checked: string,
  allowedIds: readonly string[],
): Mismatch[] {
  // LIMITATION: a token that carries its caller only in azp or client_id (Entra v2, some OIDC
  // issuers) passes this check against a configuration for that claim, but whether Corgea reads
  // those claims is not documented; the run warns, and the verify call gives Corgea's own answer.
  return CORGEA_CALLER_CLAIMS.filter((name) => name !== checked)
    .filter((name) => typeof payload[name] === 'string' && !allowedIds.includes(payload[name]))
    .map((name) => ({
      claim: name,
      found: quote(payload[name] as string),
      expected: allowedIds.map(quote).join(', '),
      cause:
        `The token also names its calling app in ${name}, which Corgea reads, and that app is ` +
        `not allowed, although ${checked} is.`,
      fix: `find out why the identity provider puts another app in ${name}, or allow it in Corgea.`,
    }));
}

function lifetimeMismatches(payload: Readonly<Record<string, unknown>>, nowMs: number): Mismatch[] {
  const now = Math.floor(nowMs / 1000);
  const out: Mismatch[] = [];
  const exp = payload['exp'];
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    out.push({
      claim: 'exp',
      found: notATime(exp),
      expected: 'an expiry time',
      cause: 'The token does not say when it expires; Corgea accepts only tokens that expire.',
      fix: 'configure the authorization server to issue access tokens with an exp claim.',
    });
  } else if (now > exp + CLOCK_ALLOWANCE_SECONDS) {
    out.push({
      claim: 'exp',
      found: `${time(exp)} (${now - exp} s ago)`,
      expected: `a time after now, ${time(now)}, with ${CLOCK_ALLOWANCE_SECONDS} s allowance`,
      cause: 'The token has expired.',
      fix:
        "fetch the token right before it is used, and check the runner's clock if the token " +
        'was fresh.',
    });
  }
  const nbf = payload['nbf'];
  // An nbf that is not a NumericDate cannot be checked; passing over it would report a check
  // that did not happen.
  if (nbf !== undefined && (typeof nbf !== 'number' || !Number.isFinite(nbf))) {
    out.push({
      claim: 'nbf',
      found: notATime(nbf),
      expected: 'absent, or a time in seconds since 1970 (a JSON number)',
      cause:
        "The token's nbf is not a NumericDate (RFC 7519 section 2), " +
        'so when it becomes valid cannot be checked.',
      fix: 'configure the authorization server to issue nbf as a number of seconds, or not at all.',
    });
  } else if (typeof nbf === 'number' && now + CLOCK_ALLOWANCE_SECONDS < nbf) {
    out.push({
      claim: 'nbf',
      found: `${time(nbf)} (in ${nbf - now} s)`,
      expected: `a time before now, ${time(now)}, with ${CLOCK_ALLOWANCE_SECONDS} s allowance`,
      cause: 'The token is not valid yet: the clocks of the issuer and this machine disagree.',
      fix: "synchronise this machine's clock (NTP); Corgea rejects the token until then too.",
    });
  }
  return out;
}

/** `aud` as a list, whether the token carries one audience or several. */
export function audienceList(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === 'string');
  return [];
}

/** The first audiences, quoted, and how many more: a token may carry any number of them. */
const MAX_LISTED = 10;
function listed(audiences: readonly string[]): string {
  const shown = audiences.slice(0, MAX_LISTED).map(quote).join(', ');
  const more = audiences.length - MAX_LISTED;
  return more > 0 ? `${shown} and ${more} more` : shown;
}

/** How a time claim that is not a NumericDate looks, without quoting a long value. */
function notATime(value: unknown): string {
  if (value === undefined) return '(absent)';
  if (typeof value === 'string')
    return `a string, ${value.length <= 40 ? quote(value) : `of ${value.length} characters`}`;
  if (typeof value === 'number') return String(value);
  return value === null
    ? 'null'
    : `a value of type ${Array.isArray(value) ? 'array' : typeof value}`;
}

function quote(value: string): string {
  return JSON.stringify(value);
}

function time(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
