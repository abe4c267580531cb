import { parseArgs } from 'node:util';

import { InputError } from '../errors.js';
import type { InputReader } from '../settings.js';

/**
 * Parses `--name value` flags for the given names (the action's input names, kebab-case) and
 * returns a reader in the shape the settings parser takes, so that the action and the command
 * line share one validation. Unknown flags and positional arguments are refused.
 */
export function readFlags(
  args: readonly string[],
  names: readonly string[],
  booleans: readonly string[] = [],
): InputReader {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const name of names) options[name] = { type: 'string' };
  for (const name of booleans) options[name] = { type: 'boolean' };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values as Record<
      string,
      string | boolean | undefined
    >;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const flag = message.match(/'(--?[\w-]+)/)?.[1] ?? '--';
    throw new InputError(flag, `${message.replace(/\.$/, '')}.`, 'see the options below.');
  }
  return (name) => {
    const value = values[name];
    if (typeof value === 'boolean') return value ? 'true' : '';
    // Trimmed as the runner trims action inputs, so both read a pasted value alike.
    return (value ?? '').trim();
  };
}
