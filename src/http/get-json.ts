import { NetworkError, ResponseError } from '../errors.js';
import { classifyError, classifyResponse, withRetries, type RetryClock } from './retry.js';
import type { HttpResponse, Transport } from './transport.js';
import type { IssuerMetadata } from '../discovery.js';

/** What every request this project makes needs besides its URL. */
export interface RequestContext {
  readonly transport: Transport;
  readonly clock: RetryClock;
  readonly attempts: number;
  readonly timeoutMs: number;
  readonly debug: (message: string) => void;
  /**
   * Issuer metadata already read in this run, by issuer: the profile's discovery and the claim
   * check share one request. Absent: every discovery makes its own request.
   */
  readonly metadata?: Map<string, Promise<IssuerMetadata>>;
}

/**
 * Sends `request` with classified retries and returns the final HTTP answer (any status) and the
 * number of attempts. Throws the last `NetworkError`, with the attempt count added, when no
 * attempt got an HTTP answer.
 */
export async function sendWithRetries(
  context: RequestContext,
  request: Omit<Parameters<Transport>[0], 'timeoutMs'>,
): Promise<{ response: HttpResponse; attempts: number }> {
  const label = `${request.method} ${request.url.host}${request.url.pathname}`;
  const { outcome, attempts } = await withRetries<HttpResponse>(
    async (n) => {
      const started = context.clock.now();
      try {
        const response = await context.transport({ ...request, timeoutMs: context.timeoutMs });
        context.debug(
          `${label}: attempt ${n} answered ${response.status} ` +
            `in ${context.clock.now() - started} ms`,
        );
        return {
          verdict: classifyResponse(response, context.clock.now(), request.method),
          value: response,
        };
      } catch (error) {
        context.debug(`${label}: attempt ${n} failed after ${context.clock.now() - started} ms`);
        return { verdict: classifyError(error), error };
      }
    },
    {
      attempts: context.attempts,
      clock: context.clock,
      onRetry: ({ attempt, reason, delayMs }) =>
        context.debug(`${label}: retrying after attempt ${attempt} (${reason}) in ${delayMs} ms`),
    },
  );
  if (outcome.value) return { response: outcome.value, attempts };
  throw withAttempts(outcome.error, attempts);
}

/** Adds the number of attempts to a network error's message. */
function withAttempts(error: unknown, attempts: number): unknown {
  if (!(error instanceof NetworkError) || attempts < 2) return error;
  return new NetworkError(
    {
      stage: error.stage,
      host: error.host,
      systemCode: error.systemCode,
      route: error.route,
      proxyStatus: error.proxyStatus,
    },
    `${error.problem} Tried ${attempts} times.`,
    error.fix,
  );
}

/** Parses a JSON object body, or throws a `ResponseError` naming `what` and the URL. */
export function parseJsonObject(
  response: HttpResponse,
  what: string,
  url: URL,
): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(response.body);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ResponseError(
      `The ${what} at ${url.host}${url.pathname} answered ${response.status} ` +
        'with a body that is not a JSON object.',
      'check that the URL points at the service itself and not at a login page or a proxy.',
      response.status,
    );
  }
  return value as Record<string, unknown>;
}
