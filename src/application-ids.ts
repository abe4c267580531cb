import { InputError } from './errors.js';

/**
 * Where a list of application IDs came from, so that the fix in a message fits what the user
 * wrote: a YAML block scalar for an action input, a repeated flag on a command line, line breaks
 * in an environment variable.
 */
export type ApplicationIdSource =
  | { readonly kind: 'action-input'; readonly name: string }
  | { readonly kind: 'flag'; readonly name: string }
  | { readonly kind: 'variable'; readonly name: string };

/**
 * Reads a list of application IDs, the one rule for the action input, `check`, `token` and
 * `register`: one per line as Corgea's form takes them, commas accepted too; blank lines,
 * surrounding spaces and CRLF line ends are tolerated and duplicates dropped, first one kept.
 * An ID with white space inside is refused with an `InputError` naming `source.name`.
 * Returns an empty list when the text holds no ID; the caller decides whether that is allowed.
 */
export function parseApplicationIds(value: string, source: ApplicationIdSource): readonly string[] {
  const ids = value
    .split(/[\r\n,]+/)
    .map((id) => id.trim())
    .filter((id) => id !== '');

  const spaced = ids.find((id) => /\s/.test(id));
  if (spaced !== undefined) {
    throw new InputError(
      source.name,
      `expected application IDs without spaces inside, found "${spaced}".`,
      separateFix(source),
    );
  }
  return Object.freeze([...new Set(ids)]);
}

/** How to write several IDs where the value came from. */
function separateFix(source: ApplicationIdSource): string {
  switch (source.kind) {
    case 'action-input':
      return (
        'put each application ID on its own line with a YAML block scalar ' +
        `(\`${source.name}: |\`), or separate them with commas.`
      );
    case 'flag':
      return `repeat ${source.name} for each application ID, or separate them with commas.`;
    case 'variable':
      return (
        `put each application ID of ${source.name} on its own line, ` +
        'or separate them with commas.'
      );
  }
}
