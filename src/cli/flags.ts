import { parseArgs } from 'node:util';

import { InputError } from '../errors.js';
import type { InputReader } from '../settings.js';
import { closest } from './did-you-mean.js';

/** The input name of a message about an argument that belongs to no option. */
export const ARGUMENTS_INPUT = 'arguments';

/** What a command line takes: value flags, switches, and value flags that may repeat. */
export interface FlagNames {
  readonly values: readonly string[];
  readonly switches?: readonly string[];
  /** Value flags that may be given more than once; their values are joined one per line. */
  readonly lists?: readonly string[];
}

/**
 * Parses `--name value` flags for the given names (the action's input names, kebab-case) and
 * returns a reader in the shape the settings parser takes, so that the action and the command
 * line share one validation. Unknown flags and positional arguments are refused, and a message
 * about them never quotes a value: a value in the wrong place is often a pasted secret.
 */
export function readFlags(args: readonly string[], names: FlagNames): InputReader {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const name of names.values) options[name] = { type: 'string' };
  for (const name of names.lists ?? []) options[name] = { type: 'string', multiple: true };
  for (const name of names.switches ?? []) options[name] = { type: 'boolean' };

  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    values = parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw argumentError(error, Object.keys(options));
  }
  return (name) => {
    const value = values[name];
    if (typeof value === 'boolean') return value ? 'true' : '';
    // Trimmed as the runner trims action inputs, so both read a pasted value alike.
    if (Array.isArray(value)) return value.map((item) => String(item).trim()).join('\n');
    return (value ?? '').trim();
  };
}

/** The flag and the problem from node's parser, in this project's words and without values. */
function argumentError(error: unknown, known: readonly string[]): InputError {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  // node quotes the option as it was written, without the value after `=`.
  const quoted = message.match(/'(-{1,2}[^' <]*)/)?.[1] ?? '';
  const flag = /^--?[A-Za-z][\w-]{0,60}$/.test(quoted) ? quoted : undefined;

  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' || flag === undefined) {
    return new InputError(
      ARGUMENTS_INPUT,
      'found an argument that belongs to no option; it is not shown, since a value in the wrong ' +
        'place is often a secret.',
      'give each value right after its option (--client-id ID) and quote values with spaces; ' +
        'secrets go in the environment, never on the command line.',
    );
  }
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const meant = closest(flag.replace(/^-+/, ''), known);
    return new InputError(
      flag,
      'is not an option of this command.',
      meant ? `did you mean --${meant}? See the options below.` : 'see the options below.',
    );
  }
  if (/does not take an argument/.test(message)) {
    return new InputError(
      flag,
      'is a switch and takes no value; a value was given.',
      `write ${flag} alone.`,
    );
  }
  if (/ambiguous/.test(message)) {
    return new InputError(
      flag,
      'expected a value after it, found another option.',
      `give the value after ${flag}; for a value that starts with a dash write ${flag}=-value.`,
    );
  }
  return new InputError(
    flag,
    'expected a value after it, found none.',
    `give the value after ${flag}.`,
  );
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The environment variable an `--…-env` flag names, or `fallback` when the flag is absent. A
 * value that is not a variable name is refused without being quoted: it is most likely the
 * secret itself, pasted where its variable's name belongs.
 */
export function variableName(value: string, flag: string, fallback: string, holds: string): string {
  if (!value) return fallback;
  if (!VARIABLE_NAME.test(value)) {
    throw new InputError(
      flag,
      'expected the name of an environment variable; the value given is not one and is not shown.',
      `name the variable that holds ${holds} (letters, digits, underscores), e.g. ${flag} ` +
        `${fallback}, and put ${holds} in that variable, never on the command line.`,
    );
  }
  return value;
}

/**
 * How a message names a variable the user chose: by its name when it looks like one (upper
 * case, digits, underscores, as CI systems write them), else as "the variable --flag names",
 * since a lower-case or mixed value that passed as a name may be a secret pasted in its place.
 */
export function shownVariable(variable: string, flag: string): string {
  return /^[A-Z_][A-Z0-9_]*$/.test(variable)
    ? `the environment variable ${variable}`
    : `the environment variable that ${flag} names (not shown: it may be a value pasted there)`;
}

/**
 * The action's inputs that say where tokens come from and what Corgea expects of them, taken as
 * flags by both `token` and `check`.
 */
export const PROFILE_FLAGS = [
  'provider',
  'tenant-id',
  'authority-host',
  'issuer',
  'token-url',
  'client-id',
  'client-auth',
  'scope',
  'resource',
  'attempts',
  'timeout-seconds',
  'expected-issuer',
  'expected-audience',
] as const;
