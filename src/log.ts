/**
 * Where progress goes: the runner's log in the action, stderr in the command line. Lines say what
 * a user needs to follow the run; `debug` adds timings and retry reasons. No line ever holds a
 * request or response body, a header, a secret or a token.
 */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}

/** A logger that drops everything, for library callers that want silence. */
export const silentLogger: Logger = { info() {}, warning() {}, debug() {} };
