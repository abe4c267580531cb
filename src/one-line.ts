/**
 * Text from outside parties (an identity provider's error description, a claim value, a proxy's
 * status line) ends up in messages that are printed one per line: by the runner, which reads
 * every line of a step's stdout as a possible workflow command, and on a terminal, which obeys
 * escape sequences. A line break or a control character in such text would let its author add
 * lines or commands of their own.
 */

// C0 controls (line breaks included), DEL, the C1 controls (0x9B is a CSI on some terminals),
// and the Unicode line and paragraph separators, which JavaScript and some viewers break on.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const WHITESPACE_CONTROL = /^[\t\n\v\f\r\u0085\u2028\u2029]$/;

/**
 * Returns `text` as one line: tabs and line breaks become spaces, any other control character
 * is shown as a `\xNN` (or `\uNNNN`) escape, so that what an outside party sent stays visible
 * but inert.
 */
export function oneLine(text: string): string {
  return text.replace(CONTROL, (c) => {
    if (WHITESPACE_CONTROL.test(c)) return ' ';
    const hex = c.charCodeAt(0).toString(16).toUpperCase();
    return c.charCodeAt(0) > 0xff ? `\\u${hex.padStart(4, '0')}` : `\\x${hex.padStart(2, '0')}`;
  });
}
