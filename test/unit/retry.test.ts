import { NetworkError } from '../../src/errors.js';
import {
  backoffDelay,
  classifyError,
  classifyResponse,
  DEFAULT_BACKOFF,
  parseRetryAfter,
  withRetries,
  type AttemptOutcome,
  type Verdict,
} from '../../src/http/retry.js';
import { fakeClock, json, text } from './fakes.js';

const NOW = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

describe('classifyResponse', () => {
  test('a 200 with a JSON body is done', () => {
    expect(classifyResponse(json(200, { access_token: 'x' }), NOW)).toEqual({ kind: 'done' });
  });

  test('a 200 with an empty body is retried', () => {
    expect(classifyResponse(text(200, ''), NOW)).toEqual({
      kind: 'retry',
      reason: 'status 200 with an empty body',
    });
    expect(classifyResponse(text(200, ' \n'), NOW).kind).toBe('retry');
  });

  test('a 200 with an HTML page is retried, as a load balancer error page', () => {
    expect(classifyResponse(text(200, '<html><body>Bad gateway</body></html>'), NOW)).toEqual({
      kind: 'retry',
      reason: 'status 200 with a body that is not JSON',
    });
  });

  test('a 204 without body is done', () => {
    expect(classifyResponse(text(204, ''), NOW)).toEqual({ kind: 'done' });
  });

  test.each([301, 302, 307, 308])('a redirect (%i) is final', (status) => {
    expect(classifyResponse(text(status, '', { location: 'https://elsewhere/' }), NOW)).toEqual({
      kind: 'final',
    });
  });

  test.each([400, 401, 403, 404])('a %i is final, even with Retry-After', (status) => {
    const response = json(status, { error: 'invalid_client' }, { 'retry-after': '1' });
    expect(classifyResponse(response, NOW)).toEqual({ kind: 'final' });
  });

  test.each([408, 500, 502, 503, 504])('a %i is retried', (status) => {
    expect(classifyResponse(text(status, ''), NOW)).toEqual({
      kind: 'retry',
      reason: `status ${status}`,
    });
  });

  test('a 429 with Retry-After in seconds is retried after that many seconds', () => {
    expect(classifyResponse(text(429, '', { 'retry-after': '7' }), NOW)).toEqual({
      kind: 'retry',
      reason: 'status 429',
      retryAfterMs: 7000,
    });
  });

  test('a 429 with Retry-After as an HTTP date is retried after the time until that date', () => {
    const response = text(429, '', { 'retry-after': 'Wed, 21 Oct 2015 07:28:30 GMT' });
    expect(classifyResponse(response, NOW)).toEqual({
      kind: 'retry',
      reason: 'status 429',
      retryAfterMs: 30_000,
    });
  });

  test('a 503 with Retry-After is retried after it', () => {
    expect(classifyResponse(text(503, '', { 'retry-after': '2' }), NOW)).toEqual({
      kind: 'retry',
      reason: 'status 503',
      retryAfterMs: 2000,
    });
  });
});

describe('parseRetryAfter', () => {
  test('reads seconds and HTTP dates, a past date as no wait', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:29:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', NOW)).toBe(0);
  });

  test('an absent or unreadable value gives no wait of its own', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
  });
});

describe('classifyError', () => {
  test('a network error is retried, its stage and system code the reason', () => {
    const error = new NetworkError(
      { stage: 'connect', host: 'idp.example.com', systemCode: 'ECONNREFUSED' },
      'The connection to idp.example.com failed (ECONNREFUSED).',
    );
    expect(classifyError(error)).toEqual({ kind: 'retry', reason: 'connect (ECONNREFUSED)' });
  });

  test('a timeout without a system code is retried', () => {
    const error = new NetworkError({ stage: 'timeout', host: 'idp.example.com' }, 'No answer.');
    expect(classifyError(error)).toEqual({ kind: 'retry', reason: 'timeout (timeout)' });
  });

  test('any other error is final: a bug is not retried', () => {
    expect(classifyError(new TypeError('x is undefined'))).toEqual({ kind: 'final' });
    expect(classifyError('a string')).toEqual({ kind: 'final' });
  });
});

describe('backoffDelay (full jitter)', () => {
  const policy = { baseMs: 500, capMs: 8000, maxRetryAfterMs: 60_000 };

  test('is 0 when the random draw is 0', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(0);
    expect(backoffDelay(6, policy, () => 0)).toBe(0);
  });

  test('stays below the doubling bound for the highest draw', () => {
    const top = () => 0.999_999;
    expect(backoffDelay(1, policy, top)).toBe(499);
    expect(backoffDelay(2, policy, top)).toBe(999);
    expect(backoffDelay(3, policy, top)).toBe(1999);
    expect(backoffDelay(4, policy, top)).toBe(3999);
  });

  test('never passes the cap, however many retries', () => {
    const top = () => 0.999_999;
    expect(backoffDelay(5, policy, top)).toBe(7999);
    expect(backoffDelay(30, policy, top)).toBe(7999);
  });

  test('is the draw times the bound in between', () => {
    expect(backoffDelay(3, policy, () => 0.25)).toBe(500);
  });

  test('the default policy starts at 500 ms and caps at 8 s and a 60 s Retry-After', () => {
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 500, capMs: 8000, maxRetryAfterMs: 60_000 });
  });
});

describe('withRetries', () => {
  const retry: Verdict = { kind: 'retry', reason: 'status 503' };

  /** An attempt function that plays the outcomes in order and counts its calls. */
  function script(...outcomes: AttemptOutcome<string>[]) {
    const calls: number[] = [];
    const attempt = async (n: number) => {
      calls.push(n);
      const outcome = outcomes[n - 1];
      if (!outcome) throw new Error(`attempt ${n} was not expected`);
      return outcome;
    };
    return { attempt, calls };
  }

  test('returns at once when the first attempt is done', async () => {
    const clock = fakeClock();
    const { attempt, calls } = script({ verdict: { kind: 'done' }, value: 'token' });
    const result = await withRetries(attempt, { attempts: 4, clock });
    expect(result).toEqual({ outcome: { verdict: { kind: 'done' }, value: 'token' }, attempts: 1 });
    expect(calls).toEqual([1]);
    expect(clock.sleeps).toEqual([]);
  });

  test('stops on a final outcome without sleeping', async () => {
    const clock = fakeClock();
    const { attempt, calls } = script({ verdict: { kind: 'final' }, value: '401' });
    const result = await withRetries(attempt, { attempts: 4, clock });
    expect(result.attempts).toBe(1);
    expect(result.outcome.value).toBe('401');
    expect(calls).toEqual([1]);
    expect(clock.sleeps).toEqual([]);
  });

  test('retries until done, sleeping the jittered backoff between attempts', async () => {
    const clock = fakeClock(0, 0.5);
    const { attempt, calls } = script(
      { verdict: retry },
      { verdict: retry },
      { verdict: { kind: 'done' }, value: 'token' },
    );
    const result = await withRetries(attempt, { attempts: 4, clock });
    expect(result).toEqual({ outcome: { verdict: { kind: 'done' }, value: 'token' }, attempts: 3 });
    expect(calls).toEqual([1, 2, 3]);
    expect(clock.sleeps).toEqual([250, 500]);
  });

  test(
    'stops after `attempts` tries and returns ' + 'the last outcome, with no sleep after it',
    async () => {
      const clock = fakeClock(0, 0.5);
      const { attempt, calls } = script(
        { verdict: retry, value: 'first' },
        { verdict: retry, value: 'second' },
        { verdict: retry, value: 'third' },
      );
      const result = await withRetries(attempt, { attempts: 3, clock });
      expect(result.attempts).toBe(3);
      expect(result.outcome.value).toBe('third');
      expect(calls).toEqual([1, 2, 3]);
      expect(clock.sleeps).toEqual([250, 500]);
    },
  );

  test('one attempt means no retry at all', async () => {
    const clock = fakeClock();
    const { attempt, calls } = script({ verdict: retry });
    expect((await withRetries(attempt, { attempts: 1, clock })).attempts).toBe(1);
    expect(calls).toEqual([1]);
    expect(clock.sleeps).toEqual([]);
  });

  test('waits at least the Retry-After the server asked for', async () => {
    const clock = fakeClock(0, 0);
    const { attempt } = script(
      { verdict: { kind: 'retry', reason: 'status 429', retryAfterMs: 5000 } },
      { verdict: { kind: 'done' }, value: 'token' },
    );
    await withRetries(attempt, { attempts: 4, clock });
    expect(clock.sleeps).toEqual([5000]);
  });

  test('waits the backoff when it is longer than a short Retry-After', async () => {
    const clock = fakeClock(0, 0.5);
    const { attempt } = script(
      { verdict: { kind: 'retry', reason: 'status 429', retryAfterMs: 10 } },
      { verdict: { kind: 'done' }, value: 'token' },
    );
    await withRetries(attempt, { attempts: 4, clock });
    expect(clock.sleeps).toEqual([250]);
  });

  test('gives up at once when Retry-After is longer than the cap', async () => {
    const clock = fakeClock(0, 0);
    const { attempt, calls } = script({
      verdict: { kind: 'retry', reason: 'status 429', retryAfterMs: 120_000 },
      value: '429',
    });
    const result = await withRetries(attempt, { attempts: 4, clock });
    expect(result).toMatchObject({ attempts: 1, outcome: { value: '429' } });
    expect(calls).toEqual([1]);
    expect(clock.sleeps).toEqual([]);
  });

  test('tells onRetry each retry with its reason and wait, before the wait', async () => {
    const clock = fakeClock(0, 0.5);
    const seen: unknown[] = [];
    const { attempt } = script(
      { verdict: { kind: 'retry', reason: 'status 503' } },
      { verdict: { kind: 'retry', reason: 'connect (ECONNREFUSED)' } },
      { verdict: { kind: 'done' } },
    );
    await withRetries(attempt, {
      attempts: 4,
      clock,
      onRetry: (info) => seen.push({ ...info, sleptBefore: clock.sleeps.length }),
    });
    expect(seen).toEqual([
      { attempt: 1, reason: 'status 503', delayMs: 250, sleptBefore: 0 },
      { attempt: 2, reason: 'connect (ECONNREFUSED)', delayMs: 500, sleptBefore: 1 },
    ]);
  });

  test('uses the policy it is given', async () => {
    const clock = fakeClock(0, 0.5);
    const { attempt } = script(
      { verdict: retry },
      { verdict: retry },
      { verdict: { kind: 'done' } },
    );
    const policy = { baseMs: 100, capMs: 150, maxRetryAfterMs: 1000 };
    await withRetries(attempt, { attempts: 3, clock, policy });
    expect(clock.sleeps).toEqual([50, 75]);
  });
});

describe('classifyError for a proxy that refuses the tunnel', () => {
  const refused = (status: number) =>
    new NetworkError({ stage: 'proxy', host: 'login.example.com', proxyStatus: status }, 'refused');

  test('403 and 407 from the proxy are final: asking again changes nothing', () => {
    expect(classifyError(refused(403)).kind).toBe('final');
    expect(classifyError(refused(407)).kind).toBe('final');
  });

  test('a 502 from the proxy (it could not reach the host) is retried', () => {
    expect(classifyError(refused(502)).kind).toBe('retry');
  });
});

describe('classifyResponse for a DELETE', () => {
  test('an empty 200 is done: the thing is gone, and a retry would only find it absent', () => {
    expect(classifyResponse(text(200, ''), NOW, 'DELETE')).toEqual({ kind: 'done' });
    expect(classifyResponse(text(204, ''), NOW, 'DELETE')).toEqual({ kind: 'done' });
  });

  test('a 503 is still retried', () => {
    expect(classifyResponse(text(503, ''), NOW, 'DELETE').kind).toBe('retry');
  });
});
