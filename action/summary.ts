import { summary } from '@actions/core';

import { entraTokenVersion } from '../src/entra.js';
import type { FetchedToken } from '../src/fetch-token.js';
import type { ObtainFacts } from '../src/obtain-token.js';
import { cut } from '../src/secret.js';
import type { Settings } from '../src/settings.js';
import { warning } from './workflow-commands.js';

/** What the run learnt, as far as it got: the facts `obtainToken` fills in as it goes. */
export type RunFacts = ObtainFacts;

/**
 * The job summary: which identity provider, endpoint host and client, the token's version,
 * expiry and attempts, and the three values to enter in Corgea's JWT-auth configuration, each
 * marked as checked, differing or not checked. Claim values are identifiers; the token itself
 * and the client secret never appear.
 */
export function summaryMarkdown(settings: Settings, facts: RunFacts): string {
  const token = facts.token;
  const rows: [string, string][] = [
    ['Provider', settings.provider],
    ['Token endpoint host', token ? code(token.profile.tokenEndpoint.host) : 'not reached'],
    ['Client ID', code(settings.clientId)],
  ];
  if (token) {
    rows.push(
      ['Token version', tokenVersion(token.payload)],
      ['Expires', token.expiresAt.toISOString()],
      ['Attempts', String(token.attempts)],
    );
  }
  if (facts.corgeaAccepted !== undefined) {
    rows.push(['Corgea verify', facts.corgeaAccepted ? 'accepted the token' : 'refused the token']);
  }

  const lines = ['## Corgea token', '', '| | |', '| --- | --- |'];
  for (const [name, value] of rows) lines.push(`| ${name} | ${value} |`);
  if (token?.payload) {
    lines.push(
      '',
      "### Values for Corgea's JWT-auth configuration",
      '',
      '| Field | Value | Check |',
      '| --- | --- | --- |',
    );
    for (const row of corgeaRows(token, facts.check)) lines.push(`| ${row.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the summary; a runner without a summary file gets a warning, not a failed step. */
export async function writeSummary(
  settings: Settings,
  facts: RunFacts,
  scrub: (text: string) => string = (text) => text,
): Promise<void> {
  try {
    // `scrub` blanks any secret a hostile issuer echoed into a claim the table quotes.
    await summary.addRaw(scrub(summaryMarkdown(settings, facts))).write();
  } catch (error) {
    warning(
      'The job summary could not be written: ' +
        (error instanceof Error ? error.message : String(error)),
    );
  }
}

function corgeaRows(token: FetchedToken, check: RunFacts['check']): string[][] {
  const claim = check?.expected.applicationIdClaim ?? token.applicationIdClaim;
  const payload = token.payload ?? {};
  const value = (name: string) =>
    typeof payload[name] === 'string' ? (payload[name] as string) : '';
  const fields: [string, string, string, string | undefined][] = [
    ['Issuer', 'iss', token.issuer, check?.expected.issuer],
    ['Audience', 'aud', token.audience, check?.expected.audience],
    [
      'Allowed application ID',
      claim,
      value(claim),
      check?.expected.allowedApplicationIds.join(', '),
    ],
  ];
  return fields.map(([label, name, found, expected]) => {
    let status: string;
    if (!check) status = 'not checked';
    else if (check.mismatches.some((m) => m.claim === name))
      status = `differs: expected ${code(expected ?? '')}`;
    else if (expected === undefined) status = 'not checked (no expected value)';
    else status = 'checked';
    return [`${label} (\`${name}\`)`, found ? code(found) : '(absent)', status];
  });
}

function tokenVersion(payload: Readonly<Record<string, unknown>> | undefined): string {
  if (!payload) return 'opaque (not a JWT)';
  const entra = entraTokenVersion(payload);
  if (entra) return `v${entra}`;
  const ver = payload['ver'];
  return typeof ver === 'string' ? code(ver) : 'JWT';
}

/** The longest value in a summary cell, in characters: the summary file is limited to 1 MiB. */
export const MAX_CELL = 1000;

/**
 * A table cell in code style, safe against the characters that end a cell or a code span, and
 * cut to `MAX_CELL` characters: claim values come from the token and can be of any length.
 */
function code(text: string): string {
  return `\`${cut(text, MAX_CELL).replace(/[`|\r\n]/g, (c) => (c === '|' ? '\\|' : ' '))}\``;
}
