import type { FetchedToken } from '../src/fetch-token.js';
import type { Settings } from '../src/settings.js';
import { exportVariable, info, setOutput } from './workflow-commands.js';

/**
 * Writes the step's outputs and, unless `export-variable` is empty, exports the token and
 * `CORGEA_URL` for the steps that follow. Called only once every check has passed; the token
 * was masked the moment it arrived.
 */
export function writeOutputs(settings: Settings, token: FetchedToken): void {
  if (settings.outputToken) setOutput('token', token.accessToken);
  setOutput('token-type', token.tokenType);
  setOutput('expires-in', String(token.expiresIn));
  setOutput('expires-at', token.expiresAt.toISOString());
  setOutput('issuer', token.issuer);
  setOutput('audience', token.audience);
  setOutput('application-id', token.applicationId);

  if (settings.exportVariable) {
    exportVariable(settings.exportVariable, token.accessToken);
    exportVariable('CORGEA_URL', settings.corgeaUrl.href.replace(/\/+$/, ''));
    info(`Exported the token as ${settings.exportVariable} and CORGEA_URL for the next steps.`);
  }
}
