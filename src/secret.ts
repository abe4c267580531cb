/**
 * A value that must never be printed: a client secret, a token, a proxy password.
 *
 * Its `toString`, `toJSON` and `util.inspect` forms are a fixed placeholder, so that a settings
 * object logged by mistake, spread into an error or serialised leaks nothing. Only `reveal()`
 * gives the value, and only the code that puts it on the wire calls it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '***';
  }

  toJSON(): string {
    return '***';
  }

  // node's `util.inspect.custom`, by its registered name: importing `node:util` costs start-up.
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'Secret(***)';
  }
}

/**
 * Replaces every occurrence of the given secret values in `text` by `***`.
 *
 * A second line of defence for output that leaves the process outside a runner that masks: the
 * code never puts a secret in a message on purpose, this catches what an outside party echoes.
 */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const value of secrets) {
    // Short values would blank out ordinary words; nothing this project treats as secret is short.
    if (value.length >= 4) out = out.split(value).join('***');
  }
  return out;
}
