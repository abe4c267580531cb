import type { ExpectedConfiguration } from '../claims/expected.js';
import { CorgeaError } from '../errors.js';
import { sendWithRetries, type RequestContext } from '../http/get-json.js';
import { audienceText } from '../jwt-payload.js';
import { cut } from '../secret.js';
import { corgeaApiBase, corgeaCredentialHeader } from './credential-header.js';

/** The longest claim value quoted in a refusal, in characters. */
const MAX_CLAIM_TEXT = 1000;

/** What is known about the token when Corgea is asked, for the diagnosis of a refusal. */
export interface VerifyFacts {
  /** The token's payload (verified when `claimsChecked`). */
  readonly payload: Readonly<Record<string, unknown>> | undefined;
  readonly expected: ExpectedConfiguration | undefined;
  /** Whether the claim check ran and passed before the call. */
  readonly claimsChecked: boolean;
}

/**
 * Asks Corgea whether it accepts the token: `GET {corgea-url}/api/v1/verify` with the credential
 * header Corgea's tools use. `{"status":"ok"}` passes. A 401 or 403 becomes a diagnosis built
 * from the token's claims and the expected configuration, naming the three values to compare in
 * Corgea's settings; the response body is never shown. Transient failures are retried with the
 * same classification as the token request. Resolves with the number of attempts.
 */
export async function verifyWithCorgea(
  token: string,
  corgeaUrl: URL,
  context: RequestContext,
  facts: VerifyFacts,
): Promise<{ attempts: number }> {
  const url = new URL(`${corgeaApiBase(corgeaUrl)}/verify`);
  const where = `${url.host}${url.pathname}`;
  const { response, attempts } = await sendWithRetries(context, {
    method: 'GET',
    url,
    headers: { Accept: 'application/json', ...corgeaCredentialHeader(token) },
  });
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';

  if (response.status === 200) {
    if (statusField(response.body) === 'ok') return { attempts };
    throw new CorgeaError(
      `Corgea's verify endpoint ${where} answered 200 without "status": "ok"${tries}.`,
      'check corgea-url: it must be the Corgea URL itself, ' +
        'not a proxy or login page in front of it.',
      200,
    );
  }
  if (response.status === 401 || response.status === 403) {
    throw new CorgeaError(
      refusal(response.status, where, facts),
      refusalFix(facts),
      response.status,
    );
  }
  if (response.status === 404) {
    throw new CorgeaError(
      `Corgea has no verify endpoint at ${where} (status 404).`,
      'check corgea-url: https://www.corgea.app, or https://{instance}.corgea.app for a single-tenant ' +
        'instance, without /api/v1.',
      404,
    );
  }
  if (response.status >= 300 && response.status < 400) {
    throw new CorgeaError(
      `Corgea's verify endpoint ${where} answered with a redirect (status ${response.status}).`,
      'set corgea-url to the URL the redirect leads to; the token is not sent across redirects.',
      response.status,
    );
  }
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    throw new CorgeaError(
      `Corgea's verify endpoint ${where} kept failing with status ${response.status}${tries}.`,
      'Corgea is unavailable or throttling: re-run later, or set verify: false to skip the call.',
      response.status,
    );
  }
  throw new CorgeaError(
    `Corgea's verify endpoint ${where} answered status ${response.status}.`,
    'check corgea-url; a proxy or gateway may be answering instead of Corgea.',
    response.status,
  );
}

function statusField(body: string): unknown {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)['status']
      : undefined;
  } catch {
    return undefined;
  }
}

/** The values Corgea compares, as the token carries them and as the configuration expects. */
function refusal(status: number, where: string, facts: VerifyFacts): string {
  const head = `Corgea refused the token at ${where} (status ${status}).`;
  const { payload, expected } = facts;
  if (!payload) {
    return `${head} The token is not a JWT, so Corgea's JWT auth cannot accept it.`;
  }
  const claim = expected?.applicationIdClaim ?? 'appid';
  const value = (name: string) =>
    typeof payload[name] === 'string'
      ? `"${cut(payload[name] as string, MAX_CLAIM_TEXT)}"`
      : '(absent)';
  // Claim values are identifiers, not secrets, but a token may carry any number of audiences.
  const aud = cut(audienceText(payload['aud']), MAX_CLAIM_TEXT);
  const carries =
    `The token carries iss ${value('iss')}, aud ${aud ? `"${aud}"` : '(absent)'} and ${claim} ` +
    `${value(claim)}.`;
  if (facts.claimsChecked) {
    return (
      `${head} ${carries} Its signature and these claims passed the check against the expected ` +
      'configuration here, so the JWT-auth configuration registered in Corgea differs from it: ' +
      "compare Issuer, Audience and Allowed application IDs in Corgea's settings with these values."
    );
  }
  const wanted = expected
    ? ` The expected configuration is issuer "${expected.issuer}", audience ` +
      `${expected.audience === undefined ? '(not derived)' : `"${expected.audience}"`} ` +
      'and allowed application IDs ' +
      `${expected.allowedApplicationIds.map((id) => `"${id}"`).join(', ')}.`
    : '';
  return (
    `${head} ${carries}${wanted} The claims were not checked here (check-claims: false): compare ` +
    "Issuer, Audience and Allowed application IDs in Corgea's settings with the token's values."
  );
}

function refusalFix(facts: VerifyFacts): string {
  if (!facts.payload) {
    return (
      'ask for a JWT access token ' +
      "(the claim check's message says how, with check-claims: true)."
    );
  }
  const fix =
    "enter the token's iss as Issuer, its aud as Audience and its calling-app ID as an allowed " +
    'application ID in the JWT-auth configuration in Corgea, exactly, and check that corgea-url ' +
    'names the Corgea instance that holds that configuration';
  return facts.claimsChecked
    ? `${fix}.`
    : `${fix}; set check-claims: true to have the token checked first.`;
}
