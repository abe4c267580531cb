import { NetworkError } from '../errors.js';
import type { HttpResponse } from './transport.js';

/** Time, sleep and chance, injected so that retry logic is tested without waiting. */
export interface RetryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1), as `Math.random` gives. */
  random(): number;
}

export const systemClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** What to do with one attempt's outcome. */
export type Verdict =
  | { readonly kind: 'done' }
  | { readonly kind: 'retry'; readonly reason: string; readonly retryAfterMs?: number }
  | { readonly kind: 'final' };

/**
 * Classifies an HTTP answer as the token request and Corgea calls need it: 408, 429 and 5xx are
 * transient (429 and 503 with their `Retry-After`), and so is a 2xx whose body is empty or not
 * JSON, which is what a load balancer's error page looks like. Every other status is final.
 * `method` DELETE expects no body: its empty 2xx is done (a retry would find the thing gone).
 */
export function classifyResponse(response: HttpResponse, now: number, method?: string): Verdict {
  const { status } = response;
  if (status >= 200 && status < 300 && method === 'DELETE') return { kind: 'done' };
  if (status >= 200 && status < 300) {
    if (response.body.trim() === '' && status !== 204) {
      return { kind: 'retry', reason: `status ${status} with an empty body` };
    }
    if (status !== 204 && !isJson(response.body)) {
      return { kind: 'retry', reason: `status ${status} with a body that is not JSON` };
    }
    return { kind: 'done' };
  }
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'], now);
    const reason = `status ${status}`;
    return retryAfterMs === undefined
      ? { kind: 'retry', reason }
      : { kind: 'retry', reason, retryAfterMs };
  }
  return { kind: 'final' };
}

/**
 * Network errors are transient (DNS, refused connections and timeouts often pass), except a
 * proxy that answered CONNECT with a refusal of its own (403, 407): asking again changes nothing.
 */
export function classifyError(error: unknown): Verdict {
  if (!(error instanceof NetworkError)) return { kind: 'final' };
  if (error.proxyStatus !== undefined && error.proxyStatus < 500) return { kind: 'final' };
  return { kind: 'retry', reason: `${error.stage} (${error.systemCode ?? error.stage})` };
}

function isJson(body: string): boolean {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}

/** Reads `Retry-After` as seconds or as an HTTP date (RFC 9110 section 10.2.3). */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
  /** A `Retry-After` longer than this is not waited for: the attempt fails instead. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 8000, maxRetryAfterMs: 60_000 };

/** Full jitter (a random wait between 0 and the exponential bound) for retry `n` (1-based). */
export function backoffDelay(n: number, policy: BackoffPolicy, random: () => number): number {
  const bound = Math.min(policy.capMs, policy.baseMs * 2 ** (n - 1));
  return Math.floor(random() * bound);
}

/** One attempt's result as the retry loop sees it. */
export interface AttemptOutcome<T> {
  readonly verdict: Verdict;
  /** The value to return when the verdict is `done` or `final`. */
  readonly value?: T;
  readonly error?: unknown;
}

export interface RetryOptions {
  readonly attempts: number;
  readonly clock: RetryClock;
  readonly policy?: BackoffPolicy;
  /** Called before each wait, for debug logs: never gets a body. */
  readonly onRetry?: (info: { attempt: number; reason: string; delayMs: number }) => void;
}

/**
 * Runs `attempt` until it is done or final, or the attempts run out. Returns the last outcome
 * and how many attempts were made; the caller turns an exhausted retry into its own error.
 */
export async function withRetries<T>(
  attempt: (n: number) => Promise<AttemptOutcome<T>>,
  options: RetryOptions,
): Promise<{ outcome: AttemptOutcome<T>; attempts: number }> {
  const policy = options.policy ?? DEFAULT_BACKOFF;
  for (let n = 1; ; n++) {
    const outcome = await attempt(n);
    const { verdict } = outcome;
    if (verdict.kind !== 'retry' || n >= options.attempts) return { outcome, attempts: n };

    const jitter = backoffDelay(n, policy, options.clock.random);
    const delayMs =
      verdict.retryAfterMs === undefined ? jitter : Math.max(verdict.retryAfterMs, jitter);
    if (delayMs > policy.maxRetryAfterMs) return { outcome, attempts: n };
    options.onRetry?.({ attempt: n, reason: verdict.reason, delayMs });
    await options.clock.sleep(delayMs);
  }
}
