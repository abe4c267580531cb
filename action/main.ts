import * as core from '@actions/core';

import { CorgeaAuthError, NetworkError } from '../src/errors.js';
import { redact } from '../src/secret.js';
import { parseSettings, type Settings } from '../src/settings.js';

/**
 * The action: inputs → settings → token → outputs and environment. Only this file knows the
 * runner; everything else is the library in `src/`.
 */
export async function run(): Promise<void> {
  const secrets = new Set<string>();
  const protect = (value: string): void => {
    secrets.add(value);
    core.setSecret(value);
  };

  try {
    // Masked before anything else runs, so that no later line can show them.
    const clientSecret = core.getInput('client-secret');
    if (clientSecret) protect(clientSecret);
    for (const password of proxyPasswords(process.env)) protect(password);

    const settings = parseSettings((name) => core.getInput(name));

    // Loaded only now: a run that fails on its inputs never pays for the network code.
    const { fetchToken } = await import('../src/fetch-token.js');
    const token = await fetchToken(settings, { log: runnerLog, protect });

    writeOutputs(settings, token);
  } catch (error) {
    core.setFailed(redact(await withDiagnosis(failureMessage(error), error), secrets));
  }
}

type Fetched = Awaited<ReturnType<typeof import('../src/fetch-token.js').fetchToken>>;

function writeOutputs(settings: Settings, token: Fetched): void {
  if (settings.outputToken) core.setOutput('token', token.accessToken);
  core.setOutput('token-type', token.tokenType);
  core.setOutput('expires-in', String(token.expiresIn));
  core.setOutput('expires-at', token.expiresAt.toISOString());
  core.setOutput('issuer', token.issuer);
  core.setOutput('audience', token.audience);
  core.setOutput('application-id', token.applicationId);

  if (settings.exportVariable) {
    core.exportVariable(settings.exportVariable, token.accessToken);
    core.exportVariable('CORGEA_URL', settings.corgeaUrl.href.replace(/\/+$/, ''));
    core.info(`Exported the token as ${settings.exportVariable} and CORGEA_URL for the next steps.`);
  }
}

const runnerLog = {
  info: (message: string) => core.info(message),
  warning: (message: string) => core.warning(message),
  debug: (message: string) => core.debug(message),
};

/** Proxy passwords from the proxy variables: they are credentials too. */
function proxyPasswords(env: NodeJS.ProcessEnv): string[] {
  const names = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY'];
  return names.flatMap((name) => {
    try {
      const password = env[name] ? decodeURIComponent(new URL(env[name] as string).password) : '';
      return password ? [password] : [];
    } catch {
      return [];
    }
  });
}

function failureMessage(error: unknown): string {
  if (error instanceof CorgeaAuthError) return error.message;
  // Unforeseen failures: the message only; the stack when the run is in debug mode.
  const text = error instanceof Error ? error.message : String(error);
  if (core.isDebug() && error instanceof Error && error.stack) core.debug(error.stack);
  return `Unexpected failure: ${text}`;
}

// Connectivity diagnosis (src/diagnose/): after a failure below HTTP only, loaded only then, so
// that a healthy run never loads or pays for it.
async function withDiagnosis(message: string, error: unknown): Promise<string> {
  if (!(error instanceof NetworkError)) return message;
  try {
    const { diagnoseFailure } = await import('../src/diagnose/diagnose-failure.js');
    const diagnosis = await diagnoseFailure(error);
    return diagnosis ? `${message}\n${diagnosis}` : message;
  } catch (problem) {
    core.debug(`The connectivity diagnosis could not run: ${String(problem)}`);
    return message;
  }
}
