/**
 * The runner's protocol, as far as the action needs it before the job summary: inputs from
 * `INPUT_*` variables, the stdout commands (`::add-mask::`, `::error::`, `::warning::`,
 * `::debug::`) and the file commands (`GITHUB_OUTPUT`, `GITHUB_ENV`), as GitHub documents them.
 *
 * @actions/core does the same, but loading it, with the node modules it pulls in, costs about a
 * sixth of node's own start-up and a fifth of a whole token fetch (measured side by side by
 * `npm run bench`). The action is judged on both, so these few commands are written here, and
 * @actions/core is loaded only for its job summary API.
 */
import { accessSync, appendFileSync, constants, writeSync } from 'node:fs';

import { InputError } from '../src/errors.js';
import { oneLine } from '../src/one-line.js';

/**
 * Reads an input the way the runner passes it: `INPUT_{NAME}`, spaces as `_`, upper case, trimmed.
 */
export function readInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** Asks the runner to replace `value` by `***` in every later line of the log. */
export function mask(value: string): void {
  command('add-mask', value);
}

/** Writes `message` as one plain log line that the runner cannot take for a command. */
export function info(message: string): void {
  writeLine(plainLine(message));
}

/**
 * `message` as a line that the runner cannot take for a command. The runner
 * reads each line of stdout, split at CR or LF, as a workflow command when it starts with `::`
 * after leading spaces, or when it holds `##[` anywhere (the older form); a message carrying text
 * from a server could otherwise set outputs, add annotations or, with `::stop-commands::`, hide
 * the step's final error. So line breaks become spaces, and both openings are broken apart.
 */
export function plainLine(message: string): string {
  return oneLine(message)
    .replace(/^(\s*)::/, '$1: :')
    .replace(/##\[/g, '## [');
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
  writeLine(`::${name}::${data}`);
}

/** Sets a step output (`GITHUB_OUTPUT`). */
export function setOutput(name: string, value: string): void {
  setOutputs([[name, value]]);
}

/** Sets several step outputs with one write to `GITHUB_OUTPUT`. */
export function setOutputs(outputs: readonly (readonly [string, string])[]): void {
  fileCommands('GITHUB_OUTPUT', outputs);
}

/** Exports variables to the steps that follow (`GITHUB_ENV`, one write) and to this process. */
export function exportVariables(variables: readonly (readonly [string, string])[]): void {
  for (const [name, value] of variables) process.env[name] = value;
  fileCommands('GITHUB_ENV', variables);
}

/**
 * Checks that the runner named a writable file for each file command in `variables`, and throws
 * an `InputError` naming the first that is missing. Called before the first write, so that a
 * run that cannot finish writes nothing: the token must not reach `GITHUB_OUTPUT` of a run that
 * then fails on `GITHUB_ENV`.
 */
export function requireFileCommands(variables: readonly ('GITHUB_OUTPUT' | 'GITHUB_ENV')[]): void {
  for (const variable of variables) {
    const file = process.env[variable];
    const problem = !file
      ? 'is not set'
      : !writable(file)
        ? `names a file that cannot be written (${file})`
        : undefined;
    if (problem) {
      throw new InputError(
        variable,
        `${problem}, so the action cannot ` +
          `${variable === 'GITHUB_ENV' ? 'export variables' : 'set outputs'}; nothing was written.`,
        'run the action as a step of a GitHub Actions job, where the runner sets it' +
          (variable === 'GITHUB_ENV' ? ", or set export-variable to '' to skip the export." : '.'),
      );
    }
  }
}

function writable(file: string): boolean {
  try {
    accessSync(file, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Appends, in one write, a `name<<DELIMITER`, value, delimiter block per entry to the file the
 * runner names, each with a delimiter that does not occur in its value, so that no value, however
 * hostile, can end its block early.
 */
function fileCommands(
  variable: 'GITHUB_OUTPUT' | 'GITHUB_ENV',
  entries: readonly (readonly [string, string])[],
): void {
  requireFileCommands([variable]);
  const blocks = entries.map(([name, value]) => {
    const delimiter = delimiterFor(value);
    return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  });
  appendFileSync(process.env[variable] as string, blocks.join(''), 'utf8');
}

/**
 * The check against the value is what makes the delimiter safe; the random part only spares the
 * loop a second turn. (A UUID from webcrypto would cost more start-up than all of this file.)
 */
function delimiterFor(value: string): string {
  for (;;) {
    const delimiter =
      `ghadelimiter_${Math.random().toString(36).slice(2)}` + Date.now().toString(36);
    if (!value.includes(delimiter)) return delimiter;
  }
}

/**
 * Writes one line to stdout (fd 1) at once. `process.stdout` would do, but building that stream
 * is a good part of the action's start-up (measured by `npm run bench`), and writing directly
 * also keeps every line in order with the exit. The runner's pipe is blocking; a non-blocking
 * one that is full answers EAGAIN, and the write is simply tried again.
 */
function writeLine(text: string): void {
  const bytes = Buffer.from(`${text}\n`, 'utf8');
  for (let offset = 0; offset < bytes.length;) {
    try {
      offset += writeSync(1, bytes, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}
