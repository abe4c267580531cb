import { CorgeaAuthError, NetworkError } from '../src/errors.js';
import { proxyPasswords } from '../src/http/proxy-credentials.js';
import { MAX_MESSAGE_LENGTH, redact } from '../src/secret.js';
import { parseSettings, type Settings } from '../src/settings.js';
import type { RunFacts } from './summary.js';
import * as runner from './workflow-commands.js';

/**
 * The action: inputs → settings → token → claim check → Corgea's verify call → outputs,
 * environment and job summary. Only this file knows the runner; everything else is the library
 * in `src/`.
 */
export async function run(): Promise<void> {
  const secrets = new Set<string>();
  const protect = (value: string): void => {
    secrets.add(value);
    runner.mask(value);
  };

  try {
    // Masked before anything else runs, so that no later line can show them. The proxy
    // passwords are read as the transport reads the variables, with or without a scheme.
    const clientSecret = runner.readInput('client-secret');
    if (clientSecret) protect(clientSecret);
    for (const password of proxyPasswords(process.env)) protect(password);

    const settings = parseSettings(runner.readInput);
    // Before any request: a missing file must not cost a token fetch, nor half the outputs.
    runner.requireFileCommands(
      settings.exportVariable ? ['GITHUB_OUTPUT', 'GITHUB_ENV'] : ['GITHUB_OUTPUT'],
    );
    // Claim values are the issuer's to choose, and may echo what they were sent.
    const scrub = (text: string): string => redact(text, secrets);
    const facts: RunFacts = {};
    try {
      await obtainAndOutput(settings, protect, facts, scrub);
    } finally {
      // Written on failure too, when a token arrived: it shows what to compare.
      if (settings.summary && facts.token) {
        const { writeSummary } = await import('./summary.js');
        await writeSummary(settings, facts, scrub);
      }
    }
  } catch (error) {
    const message = await withDiagnosis(failureMessage(error), error);
    runner.fail(redact(message, secrets, { maxLength: MAX_MESSAGE_LENGTH }));
  }
}

/** The network part of the run, loaded only after the inputs are valid; outputs only on success. */
async function obtainAndOutput(
  settings: Settings,
  protect: (value: string) => void,
  facts: RunFacts,
  scrub: (text: string) => string,
): Promise<void> {
  // Loaded only now: a run that fails on its inputs never pays for the network and jose code.
  const { obtainToken } = await import('../src/obtain-token.js');
  const token = await obtainToken(settings, { log: runnerLog, protect, facts });

  const { writeOutputs } = await import('./outputs.js');
  writeOutputs(settings, token, scrub);
}

const runnerLog = { info: runner.info, warning: runner.warning, debug: runner.debug };

function failureMessage(error: unknown): string {
  if (error instanceof CorgeaAuthError) return error.message;
  // Unforeseen failures: the message only; the stack when the run is in debug mode.
  const text = error instanceof Error ? error.message : String(error);
  if (runner.isDebug() && error instanceof Error && error.stack) runner.debug(error.stack);
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
    runner.debug(`The connectivity diagnosis could not run: ${String(problem)}`);
    return message;
  }
}
