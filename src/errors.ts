import { oneLine } from './one-line.js';

/**
 * The failures this project reports, one class per kind, each with a stable `code` that tests
 * and callers can match, and an `exitCode` for the command line (the action's step fails with 1,
 * the status the runner reports for any failure; the message says which kind it was).
 *
 * Every message names the input, claim or response at fault, what was expected, what was found
 * and the fix. No message ever carries a secret or a token: values that come from a response are
 * quoted only when they are identifiers (error codes, claim values, host names).
 *
 * Every line of a message is one line: the base class neutralises control characters in the
 * problem and the fix (see `oneLine`), whatever a subclass or an outside party put in them.
 */
export type ErrorCode =
  | 'ERR_INPUT'
  | 'ERR_DISCOVERY'
  | 'ERR_OAUTH'
  | 'ERR_RESPONSE'
  | 'ERR_NETWORK'
  | 'ERR_CLAIMS'
  | 'ERR_CORGEA';

/** Exit status per error code; 1 is left for failures this project did not foresee. */
export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = Object.freeze({
  ERR_INPUT: 2,
  ERR_DISCOVERY: 3,
  ERR_OAUTH: 4,
  ERR_RESPONSE: 5,
  ERR_NETWORK: 6,
  ERR_CLAIMS: 7,
  ERR_CORGEA: 8,
});

/**
 * The base of every error this project raises on purpose. `problem` is one line, or a list of
 * lines for an error that lists several findings; control characters in it and in `fix` are
 * neutralised here, the one place every message passes, so that no text quoted from a response,
 * a token or the environment can add a line or a workflow command of its own.
 */
export class CorgeaAuthError extends Error {
  readonly code: ErrorCode;
  /** What went wrong: `message` without its fix, for an error that restates this one. */
  readonly problem: string;
  /** One line saying what to change; also the last sentence of `message`. */
  readonly fix: string | undefined;

  constructor(code: ErrorCode, problem: string | readonly string[], fix?: string) {
    const lines = (typeof problem === 'string' ? [problem] : problem).map(oneLine).join('\n');
    const safeFix = fix === undefined ? undefined : oneLine(fix);
    super(safeFix ? `${lines} Fix: ${safeFix}` : lines);
    this.name = new.target.name;
    this.code = code;
    this.problem = lines;
    this.fix = safeFix;
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

/** An input (action input, command-line flag or construct prop) is missing or malformed. */
export class InputError extends CorgeaAuthError {
  /** The input's name as the user wrote it, e.g. `tenant-id`. */
  readonly input: string;
  /** What is wrong with the input, without the `Input {name}: ` that `problem` starts with. */
  readonly detail: string;

  constructor(input: string, problem: string, fix?: string) {
    super('ERR_INPUT', `Input ${input}: ${problem}`, fix);
    this.input = input;
    this.detail = oneLine(problem);
  }
}

/** The issuer's metadata could not be read or does not describe the issuer that was given. */
export class DiscoveryError extends CorgeaAuthError {
  constructor(problem: string, fix?: string) {
    super('ERR_DISCOVERY', problem, fix);
  }
}

/** The identity provider answered with an OAuth error; retrying cannot help. */
export class OAuthError extends CorgeaAuthError {
  /** The `error` field of the response, e.g. `invalid_client`. */
  readonly error: string;
  /** Provider-specific codes, e.g. Entra's `AADSTS7000215` as 7000215. */
  readonly providerCodes: readonly number[];
  readonly status: number;

  constructor(
    details: { error: string; providerCodes: readonly number[]; status: number },
    problem: string,
    fix?: string,
  ) {
    super('ERR_OAUTH', problem, fix);
    this.error = details.error;
    this.providerCodes = details.providerCodes;
    this.status = details.status;
  }
}

/** A response did not have the shape its protocol promises (status, body or field). */
export class ResponseError extends CorgeaAuthError {
  readonly status: number | undefined;

  constructor(problem: string, fix?: string, status?: number) {
    super('ERR_RESPONSE', problem, fix);
    this.status = status;
  }
}

/** Where below HTTP a request failed. */
export type NetworkStage = 'dns' | 'connect' | 'tls' | 'proxy' | 'timeout' | 'connection';

/**
 * Where a request that got no HTTP answer was going and by which way, so that the connectivity
 * diagnosis can retrace it. Holds no credentials: the proxy appears by host and port only.
 */
export interface NetworkRoute {
  readonly protocol: 'http:' | 'https:';
  /** As `URL.hostname` gives it: IPv6 addresses keep their brackets. */
  readonly hostname: string;
  /** The port connected to, the scheme's default filled in. */
  readonly port: number;
  /** The proxy the request went through, when one did. */
  readonly proxy?:
    | {
        readonly protocol: 'http:' | 'https:';
        readonly hostname: string;
        readonly port: number;
        /** The environment variable it came from, e.g. `HTTPS_PROXY`. */
        readonly variable: string;
      }
    | undefined;
  /** The proxy variable that would have applied when a `NO_PROXY` entry sent the request direct. */
  readonly bypassedVariable?: string | undefined;
  /** The `NO_PROXY` entry that sent the request direct, when one did. */
  readonly noProxyMatch?: string | undefined;
}

/** A request got no HTTP answer: name resolution, connection, TLS, proxy or time ran out. */
export class NetworkError extends CorgeaAuthError {
  readonly stage: NetworkStage;
  /** The host the request was for (never the proxy's credentials). */
  readonly host: string;
  /** The system error code, e.g. `ECONNREFUSED`, when there is one. */
  readonly systemCode: string | undefined;
  /** The way the request took, for the connectivity diagnosis; absent from injected transports. */
  readonly route: NetworkRoute | undefined;
  /** The status with which a proxy refused to open a tunnel (CONNECT), when it did. */
  readonly proxyStatus: number | undefined;

  constructor(
    details: {
      stage: NetworkStage;
      host: string;
      systemCode?: string | undefined;
      route?: NetworkRoute | undefined;
      proxyStatus?: number | undefined;
    },
    problem: string,
    fix?: string,
  ) {
    super('ERR_NETWORK', problem, fix);
    this.stage = details.stage;
    this.host = details.host;
    this.systemCode = details.systemCode;
    this.route = details.route;
    this.proxyStatus = details.proxyStatus;
  }
}

/** A claim of the token differs from what the Corgea JWT-auth configuration expects. */
export class ClaimError extends CorgeaAuthError {
  readonly claim: string;

  constructor(claim: string, problem: string | readonly string[], fix?: string) {
    super('ERR_CLAIMS', problem, fix);
    this.claim = claim;
  }
}

/** Corgea refused the token or a call to its API failed. */
export class CorgeaError extends CorgeaAuthError {
  readonly status: number | undefined;

  constructor(problem: string, fix?: string, status?: number) {
    super('ERR_CORGEA', problem, fix);
    this.status = status;
  }
}
