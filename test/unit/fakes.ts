/**
 * Fakes for the injected time and network of `src/http`: a clock that records the sleeps asked
 * of it and returns at once, and a transport that answers from a script and records requests.
 */
import type { RetryClock } from '../../src/http/retry.js';
import type { HttpRequest, HttpResponse, Transport } from '../../src/http/transport.js';

/** A clock whose time moves only when something sleeps; `random` returns the given value. */
export interface FakeClock extends RetryClock {
  readonly sleeps: number[];
}

export function fakeClock(start = 1_700_000_000_000, random = 0.5): FakeClock {
  let time = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => time,
    sleep: async (ms) => {
      sleeps.push(ms);
      time += ms;
    },
    random: () => random,
  };
}

/** One scripted answer: a response, or an error to reject with. */
export type Answer = HttpResponse | Error | ((request: HttpRequest) => HttpResponse);

export interface FakeTransport extends Transport {
  readonly requests: HttpRequest[];
}

/**
 * A transport that answers each request with the next scripted answer, and fails the test when
 * asked for more requests than the script holds.
 */
export function fakeTransport(...answers: Answer[]): FakeTransport {
  const requests: HttpRequest[] = [];
  const transport = async (request: HttpRequest): Promise<HttpResponse> => {
    requests.push(request);
    const answer = answers[requests.length - 1];
    if (answer === undefined) {
      throw new Error(`fake transport: request ${requests.length} was not expected`);
    }
    if (answer instanceof Error) throw answer;
    return typeof answer === 'function' ? answer(request) : answer;
  };
  return Object.assign(transport, { requests });
}

/** A JSON response. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** A response with a literal body. */
export function text(
  status: number,
  body: string,
  headers: Record<string, string> = {},
): HttpResponse {
  return { status, headers, body };
}

/**
 * A transport that answers by URL (`href`, without query) and 404 for any other, recording every
 * request: for flows that make several requests in an order the test should not fix.
 */
export function routedTransport(routes: Record<string, Answer>): FakeTransport {
  const requests: HttpRequest[] = [];
  const transport = async (request: HttpRequest): Promise<HttpResponse> => {
    requests.push(request);
    const answer = routes[request.url.href] ?? text(404, 'Not Found');
    if (answer instanceof Error) throw answer;
    return typeof answer === 'function' ? answer(request) : answer;
  };
  return Object.assign(transport, { requests });
}
