/**
 * The runner's workflow commands that go to stdout (`::add-mask::`, `::error::`, `::warning::`,
 * `::debug::`), and input reading, written as the runner's public protocol defines them.
 *
 * @actions/core does the same, but loading it (with the node modules it pulls in) costs about a
 * sixth of node's own start-up, measured by `npm run bench`, and a run that fails on its inputs
 * should not pay that. So the stdout commands are these; the file commands (outputs, exported
 * variables, the job summary) go through @actions/core, loaded once a token is there.
 */

/** Reads an input the way the runner passes it: `INPUT_{NAME}`, spaces as `_`, upper case, trimmed. */
export function readInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** Asks the runner to replace `value` by `***` in every later line of the log. */
export function mask(value: string): void {
  command('add-mask', value);
}

export function info(message: string): void {
  process.stdout.write(`${message}\n`);
}

export function warning(message: string): void {
  command('warning', message);
}

export function debug(message: string): void {
  command('debug', message);
}

/** Whether the run is in debug mode (re-run with debug logging, or `ACTIONS_STEP_DEBUG`). */
export function isDebug(): boolean {
  return process.env['RUNNER_DEBUG'] === '1';
}

/** Reports the step as failed with `message`, as an error annotation, and sets exit code 1. */
export function fail(message: string): void {
  process.exitCode = 1;
  command('error', message);
}

function command(name: string, message: string): void {
  // The protocol's escapes for a command's data: `%` first, then the line breaks.
  const data = message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  process.stdout.write(`::${name}::${data}\n`);
}
