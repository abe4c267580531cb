import type { FetchedToken } from '../src/fetch-token.js';
import type { Settings } from '../src/settings.js';
import { cut } from '../src/secret.js';
import { exportVariables, info, requireFileCommands, setOutputs } from './workflow-commands.js';

/** The longest claim output, in characters; a longer value ends with what was left off. */
export const MAX_CLAIM_OUTPUT = 1000;

/**
 * Writes the step's outputs and, unless `export-variable` is empty, exports the token and
 * `CORGEA_URL` for the steps that follow. Called only once every check has passed; the token
 * was masked the moment it arrived.
 */
export function writeOutputs(
  settings: Settings,
  token: FetchedToken,
  scrub: (text: string) => string = (text) => text,
): void {
  requireFileCommands(
    settings.exportVariable ? ['GITHUB_OUTPUT', 'GITHUB_ENV'] : ['GITHUB_OUTPUT'],
  );

  // Claim values come from the token's issuer and can be of any length; the token is never cut.
  // `scrub` blanks any secret a hostile issuer echoed into a claim.
  const claim = (value: string) => cut(scrub(value), MAX_CLAIM_OUTPUT);
  setOutputs([
    ...(settings.outputToken ? [['token', token.accessToken] as const] : []),
    ['token-type', token.tokenType],
    ['expires-in', String(token.expiresIn)],
    ['expires-at', token.expiresAt.toISOString()],
    ['issuer', claim(token.issuer)],
    ['audience', claim(token.audience)],
    ['application-id', claim(token.applicationId)],
  ]);

  if (settings.exportVariable) {
    exportVariables([
      [settings.exportVariable, token.accessToken],
      ['CORGEA_URL', settings.corgeaUrl.href.replace(/\/+$/, '')],
    ]);
    info(`Exported the token as ${settings.exportVariable} and CORGEA_URL for the next steps.`);
  } else {
    info(
      settings.outputToken
        ? 'Not exported (export-variable is empty): later steps read the token output.'
        : 'Not exported (export-variable is empty) and no token output (output-token is false).',
    );
  }
}
