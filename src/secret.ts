import { oneLine } from './one-line.js';

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
 * The longest failure message the action or the command line prints, after redaction: an
 * outside party's text inside it (an error description, a claim) could otherwise be any size.
 */
export const MAX_MESSAGE_LENGTH = 4000;

/** How `redact` may shorten its result. */
export interface RedactOptions {
  /**
   * The longest result, in characters, before the note of what was left off. The cut is made
   * after redaction: cut first, a secret straddling the limit would keep its first characters.
   */
  readonly maxLength?: number;
}

/**
 * Replaces every occurrence of the given secret values in `text` by `***`, in each form a value
 * takes on the wire: as is, percent-encoded (`encodeURIComponent`, either case of hex digits) and
 * form-encoded (`application/x-www-form-urlencoded`, space as `+`). Then, with `maxLength`, cuts
 * the result and says how many characters were left off.
 *
 * A second line of defence for output that leaves the process outside a runner that masks (the
 * runner masks its own variants; the command line has no runner): the code never puts a secret
 * in a message on purpose, this catches what an outside party echoes. Text from outside that is
 * shortened for a message goes through here, never through a bare `slice`.
 */
export function redact(
  text: string,
  secrets: Iterable<string>,
  options: RedactOptions = {},
): string {
  let out = text;
  for (const value of secrets) {
    // Short values would blank out ordinary words; nothing this project treats as secret is short.
    if (value.length < 4) continue;
    for (const form of wireForms(value)) out = out.replace(form, '***');
  }
  return options.maxLength === undefined ? out : cut(out, options.maxLength);
}

/** `text` cut to `maxLength` characters, never inside a surrogate pair, with a note of the rest. */
export function cut(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let end = Math.max(0, maxLength);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  const rest = text.length - end;
  return `${text.slice(0, end)}… (${rest} more character${rest === 1 ? '' : 's'})`;
}

/** Patterns for the value as is, percent-encoded and form-encoded. */
function wireForms(value: string): RegExp[] {
  const forms = new Set([
    literal(value),
    // Error messages are made one line (control characters shown inert) before they are
    // redacted, so a secret with a tab or a control character is looked for in that form too.
    literal(oneLine(value)),
    ...value
      .split(/\r?\n/)
      .filter((line) => line.length >= 8)
      .map(literal),
    ...[encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2)].map(
      // %2b and %2B are the same byte: servers differ in the case of the hex digits they echo.
      (encoded) =>
        literal(encoded).replace(/%([0-9A-F]{2})/g, (_, hex: string) =>
          [...hex].reduce(
            (out, d) => out + (/[A-F]/.test(d) ? `[${d}${d.toLowerCase()}]` : d),
            '%',
          ),
        ),
    ),
  ]);
  return [...forms].map((source) => new RegExp(source, 'g'));
}

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
