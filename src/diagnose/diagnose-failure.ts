import { NetworkError, type NetworkRoute } from '../errors.js';
import { selectProxy } from '../http/proxy.js';
import { proxyAuthorization } from '../http/proxy-credentials.js';
import { oneLine } from '../one-line.js';
import { diagnoseRoute, type Diagnosis } from './diagnose-route.js';
import { nodeProbes } from './node-probes.js';
import type { Probes } from './probes.js';

export interface DiagnoseOptions {
  /** The environment the request saw, for the proxy variables. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Node's own `dns`, `net` and `tls` unless a test injects others. */
  readonly probes?: Probes;
  /** Limit for each probe; a diagnosis stops at the first stage that fails. */
  readonly timeoutMs?: number;
}

/** Short: the request has already failed, the user is waiting for the step to end. */
export const DEFAULT_PROBE_TIMEOUT_MS = 3000;

/**
 * Explains a failure below HTTP: for each distinct host (and way to it) among the network errors
 * in `error` (itself, its `cause`, an `AggregateError`'s members), retraces the request and
 * returns the lines to show, or undefined when there is no network error to explain. Meant for
 * the catch path only, loaded there with `import()`, so that a healthy run never loads it.
 */
export async function diagnoseFailure(
  error: unknown,
  options: DiagnoseOptions = {},
): Promise<string | undefined> {
  const diagnoses = await diagnoseNetworkErrors(networkErrorsIn(error), options);
  if (diagnoses.length === 0) return undefined;
  return diagnoses.map(render).join('\n');
}

/** One diagnosis per distinct route: several failures on the way to one host are probed once. */
export async function diagnoseNetworkErrors(
  errors: readonly NetworkError[],
  options: DiagnoseOptions = {},
): Promise<Diagnosis[]> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const probes = options.probes ?? nodeProbes({ timeoutMs });

  const byRoute = new Map<string, NetworkError>();
  for (const error of errors) {
    if (!error.route) continue;
    const key = routeKey(error.route);
    if (!byRoute.has(key)) byRoute.set(key, error);
  }

  const diagnoses: Diagnosis[] = [];
  for (const error of byRoute.values()) {
    const route = error.route as NetworkRoute;
    diagnoses.push(
      await diagnoseRoute(route, {
        probes,
        env,
        timeoutMs,
        proxyHeaders: proxyHeadersFor(route, env),
        reason: error.systemCode ?? error.stage,
      }),
    );
  }
  return diagnoses;
}

/**
 * The lines a user reads in the failed step. Each is made one line and inert: they quote
 * certificate names, which whoever issued the certificate chose.
 */
export function render(diagnosis: Diagnosis): string {
  const body = diagnosis.lines.map((line) => `  ${oneLine(line)}`);
  return [oneLine(diagnosis.heading), ...body, `  Fix: ${oneLine(diagnosis.fix)}`].join('\n');
}

function networkErrorsIn(error: unknown, depth = 0): NetworkError[] {
  if (depth > 4 || typeof error !== 'object' || error === null) return [];
  const found: NetworkError[] = error instanceof NetworkError ? [error] : [];
  if (error instanceof AggregateError) {
    for (const member of error.errors) found.push(...networkErrorsIn(member, depth + 1));
  }
  if (error instanceof Error && error.cause !== undefined) {
    found.push(...networkErrorsIn(error.cause, depth + 1));
  }
  return found;
}

function routeKey(route: NetworkRoute): string {
  const via = route.proxy
    ? ` via ${route.proxy.protocol}//${route.proxy.hostname}:${route.proxy.port}`
    : '';
  return `${route.protocol}//${route.hostname}:${route.port}${via}`;
}

/** The credentials the request sent to its proxy, taken again from the environment. */
function proxyHeadersFor(
  route: NetworkRoute,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  if (!route.proxy) return {};
  let url: URL | undefined;
  try {
    url = selectProxy(new URL(`${route.protocol}//${route.hostname}:${route.port}/`), env).proxy
      ?.url;
  } catch {
    url = undefined;
  }
  // Only to the very proxy the request used: the environment could have changed since.
  if (!url || url.hostname !== route.proxy.hostname) return {};
  return proxyAuthorization(url);
}
