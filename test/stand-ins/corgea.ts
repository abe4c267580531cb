/**
 * A STAND-IN for Corgea, which cannot be reached from here. It is not Corgea; it follows:
 * - Corgea's published verify endpoint: `GET /api/v1/verify` answers 200 {"status":"ok"} for a
 *   credential it accepts and 401 {"status":"error"} otherwise; `?user_info=true` adds who the
 *   credential belongs to (the shape of that object is this stand-in's own).
 * - Corgea's published rule for JWTs: the signature must verify against the keys its issuer
 *   publishes, and `iss`, `aud` and the calling-app claim must match one registered JWT-auth
 *   configuration. Corgea names `appid` (Entra v1) and `cid` (Okta) as the calling-app claim; it
 *   does not say whether it reads `azp` (Entra v2), so by default `azp` does NOT count here, and
 *   `applicationIdClaims` lets a test model a Corgea that reads it.
 * - Corgea's credential headers: a JWT as `Authorization: Bearer`, an API key in `CORGEA-TOKEN`.
 * - The JWT-auth configuration API this project ASSUMES (Corgea has not published one; see
 *   src/corgea/jwt-auth-configs.ts): GET/POST on the collection, PUT/DELETE on `{base}/{id}`,
 *   open only to the admin token. Names are not unique here, so a test can see a duplicate.
 * It listens on 127.0.0.1 only, fetches issuer metadata and keys from loopback hosts only, and
 * can be told to fail the next requests (a status, or a dropped connection, before or after it
 * applied the change) to test retries.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';

import { corgeaCredentialHeader } from '../../src/corgea/credential-header.js';
import { ENTRA_PUBLIC_AUTHORITY, entraMetadataUrl } from '../../src/entra.js';
import { looksLikeJwt } from '../../src/jwt-payload.js';
import { isLoopbackHost, joinUrl } from '../../src/urls.js';

/** A configuration as it travels on the wire. */
export interface StandInConfig {
  readonly id: string;
  readonly name: string;
  readonly issuer: string;
  readonly audience: string;
  readonly allowed_application_ids: readonly string[];
}

export type StandInConfigValues = Omit<StandInConfig, 'id'>;

export interface CorgeaStandInOptions {
  /** The only credential allowed to manage configurations; a JWT is expected as Bearer. */
  readonly adminToken: string;
  /** API keys of users who may call verify but not manage configurations: 403 there. */
  readonly userTokens?: readonly string[];
  /** The configuration API's path (default `/api/v1/jwt-auth-configs`). */
  readonly configPath?: string;
  /** Configurations present from the start. */
  readonly configs?: readonly StandInConfigValues[];
  /**
   * Where the keys of `issuer` are; by default discovery (`{iss}/.well-known/openid-configuration`,
   * for an Entra v1 issuer the metadata URL src/entra.ts gives). Return undefined to reject.
   */
  readonly keysFor?: (
    issuer: string,
  ) => URL | string | undefined | Promise<URL | string | undefined>;
  /** The claims tried, in order, for the calling app (default `appid`, then `cid`). */
  readonly applicationIdClaims?: readonly string[];
}

/** One fault to answer instead of the request's normal answer. */
export interface Fault {
  /** The status to answer (default 500); ignored with `drop`. */
  readonly status?: number;
  /** Destroy the connection without an answer. */
  readonly drop?: boolean;
  /** Apply the request (create, update, delete) before failing: the answer is "lost". */
  readonly apply?: boolean;
  /** Only a request of this method takes the fault; others pass it by. */
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
}

/** A request the stand-in answered, without headers or bodies. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** The status answered, or 0 for a dropped connection. */
  readonly status: number;
}

/** What verify decided and why; the reason is for tests, Corgea's answer carries none. */
export interface Verification {
  readonly accepted: boolean;
  readonly reason: string;
  /** The configuration that accepted the token. */
  readonly configuration?: string;
}

export interface CorgeaStandIn {
  /** `http://127.0.0.1:{port}`, to use as CORGEA_URL. */
  readonly url: string;
  /** A copy of the configurations held now. */
  configs(): StandInConfig[];
  /** Adds a configuration directly, as if entered in Corgea's settings page. */
  add(values: StandInConfigValues): StandInConfig;
  readonly requests: readonly RecordedRequest[];
  readonly verifications: readonly Verification[];
  /** The next `count` requests (of `fault.method`, any endpoint) answer `fault` (default: 500). */
  failNext(count: number, fault?: Fault): void;
  close(): Promise<void>;
}

const DEFAULT_CONFIG_PATH = '/api/v1/jwt-auth-configs';
const VERIFY_PATH = '/api/v1/verify';
const MAX_BODY_BYTES = 64 * 1024;

/** Starts the stand-in on 127.0.0.1 at a free port. */
export async function startCorgeaStandIn(options: CorgeaStandInOptions): Promise<CorgeaStandIn> {
  const configPath = (options.configPath ?? DEFAULT_CONFIG_PATH).replace(/\/+$/, '');
  const claims = options.applicationIdClaims ?? ['appid', 'cid'];
  const configs = new Map<string, StandInConfig>();
  const requests: RecordedRequest[] = [];
  const verifications: Verification[] = [];
  const faults: Fault[] = [];
  const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
  let nextId = 1;

  const add = (values: StandInConfigValues): StandInConfig => {
    const config = {
      ...values,
      allowed_application_ids: [...values.allowed_application_ids],
      id: `jac-${nextId++}`,
    };
    configs.set(config.id, config);
    return config;
  };
  for (const values of options.configs ?? []) add(values);

  const admin = adminCheck(options.adminToken, options.userTokens ?? []);

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const record = (status: number) => requests.push({ method, path: url.pathname, status });
    const answer = (status: number, payload?: unknown) => {
      record(status);
      if (payload === undefined) {
        res.writeHead(status).end();
        return;
      }
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(payload));
    };

    const index = faults.findIndex((f) => f.method === undefined || f.method === method);
    const fault = index < 0 ? undefined : faults.splice(index, 1)[0];
    if (fault && !fault.apply) {
      failWith(fault, res, record);
      return;
    }
    const result = await route(method, url, req.headers, body);
    if (fault) {
      failWith(fault, res, record);
      return;
    }
    answer(result.status, result.payload);
  }

  type Result = { status: number; payload?: unknown };

  async function route(
    method: string,
    url: URL,
    headers: http.IncomingHttpHeaders,
    body: string,
  ): Promise<Result> {
    if (url.pathname === VERIFY_PATH) {
      if (method !== 'GET') return { status: 405, payload: { status: 'error' } };
      return verify(headers, url.searchParams.get('user_info') === 'true');
    }
    const isCollection = url.pathname === configPath;
    const itemId = url.pathname.startsWith(`${configPath}/`)
      ? decodeURIComponent(url.pathname.slice(configPath.length + 1))
      : undefined;
    if (!isCollection && itemId === undefined) return { status: 404, payload: { status: 'error' } };

    const access = admin(headers);
    if (access === 'none') return { status: 401, payload: { error: 'authentication required' } };
    if (access === 'user')
      return { status: 403, payload: { error: 'not allowed to manage integrations' } };

    if (isCollection && method === 'GET')
      return { status: 200, payload: { configs: [...configs.values()] } };
    if (isCollection && method === 'POST') {
      const parsed = parseConfig(body, false);
      if (typeof parsed === 'string') return { status: 400, payload: { error: parsed } };
      return { status: 201, payload: add(parsed) };
    }
    if (itemId === undefined || itemId.includes('/'))
      return { status: 405, payload: { error: 'method not allowed' } };
    const current = configs.get(itemId);
    if (method === 'PUT') {
      if (!current) return { status: 404, payload: { error: 'no such configuration' } };
      const parsed = parseConfig(body, true);
      if (typeof parsed === 'string') return { status: 400, payload: { error: parsed } };
      const updated = { ...parsed, id: itemId };
      configs.set(itemId, updated);
      return { status: 200, payload: updated };
    }
    if (method === 'DELETE') {
      if (!current) return { status: 404, payload: { error: 'no such configuration' } };
      configs.delete(itemId);
      return { status: 204 };
    }
    return { status: 405, payload: { error: 'method not allowed' } };
  }

  async function verify(headers: http.IncomingHttpHeaders, userInfo: boolean): Promise<Result> {
    const decision = await decide(headers);
    verifications.push(decision.verification);
    if (!decision.verification.accepted) return { status: 401, payload: { status: 'error' } };
    return {
      status: 200,
      payload: userInfo ? { status: 'ok', user_info: decision.userInfo } : { status: 'ok' },
    };
  }

  async function decide(
    headers: http.IncomingHttpHeaders,
  ): Promise<{ verification: Verification; userInfo?: Record<string, unknown> }> {
    const reject = (reason: string) => ({ verification: { accepted: false, reason } });
    const apiKey = headerValue(headers['corgea-token']);
    if (apiKey) {
      if (apiKey === options.adminToken || (options.userTokens ?? []).includes(apiKey)) {
        return {
          verification: { accepted: true, reason: 'a known API key' },
          userInfo: { kind: 'api_key', admin: apiKey === options.adminToken },
        };
      }
      return reject('an unknown API key');
    }
    const authorization = headerValue(headers['authorization']);
    const token = /^Bearer (.+)$/.exec(authorization)?.[1] ?? '';
    if (!looksLikeJwt(token)) return reject('no Bearer JWT and no CORGEA-TOKEN');

    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      return reject('the JWT cannot be decoded');
    }
    const issuer = unverified.iss;
    if (typeof issuer !== 'string') return reject('the JWT has no iss');
    const candidates = [...configs.values()].filter((config) => config.issuer === issuer);
    if (candidates.length === 0) return reject(`no configuration has the issuer ${issuer}`);

    const keys = await keySet(issuer);
    if (typeof keys === 'string') return reject(keys);
    let payload: JWTPayload;
    try {
      payload = (await jwtVerify(token, keys, { issuer })).payload;
    } catch (error) {
      return reject(
        `the JWT does not verify: ${(error as { code?: string }).code ?? String(error)}`,
      );
    }

    const audiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
    const claim = claims.find((name) => typeof payload[name] === 'string');
    if (claim === undefined)
      return reject(`the JWT carries none of the claims ${claims.join(', ')}`);
    const applicationId = payload[claim] as string;
    const match = candidates.find(
      (config) =>
        audiences.includes(config.audience) &&
        config.allowed_application_ids.includes(applicationId),
    );
    if (!match) {
      return reject(
        `no configuration of issuer ${issuer} has audience ${audiences.join(',')} ` +
          `and allows ${claim} ${applicationId}`,
      );
    }
    return {
      verification: {
        accepted: true,
        reason: `matches configuration "${match.name}"`,
        configuration: match.name,
      },
      userInfo: {
        kind: 'jwt',
        configuration: match.name,
        issuer,
        application_id: applicationId,
        subject: payload.sub ?? null,
      },
    };
  }

  /** The issuer's key set, or the reason there is none. */
  async function keySet(issuer: string): Promise<ReturnType<typeof createRemoteJWKSet> | string> {
    let location: URL | undefined;
    try {
      const given = options.keysFor ? await options.keysFor(issuer) : await discoverKeys(issuer);
      location = given === undefined ? undefined : new URL(String(given));
    } catch (error) {
      return (
        `the keys of ${issuer} could not be found: ` +
        `${error instanceof Error ? error.message : String(error)}`
      );
    }
    if (!location) return `no keys are known for ${issuer}`;
    if (!isLoopbackHost(location.hostname)) {
      return `the stand-in fetches keys from loopback hosts only, not ${location.host}`;
    }
    let keys = keySets.get(location.href);
    if (!keys) {
      keys = createRemoteJWKSet(location, { timeoutDuration: 5000 });
      keySets.set(location.href, keys);
    }
    return keys;
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', status: 500 });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          error: `stand-in failure: ${error instanceof Error ? error.name : 'unknown'}`,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    configs: () =>
      [...configs.values()].map((config) => ({
        ...config,
        allowed_application_ids: [...config.allowed_application_ids],
      })),
    add,
    requests,
    verifications,
    failNext(count, fault = { status: 500 }) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Who a request's credential belongs to, by Corgea's header rule for the admin token. */
function adminCheck(
  adminToken: string,
  userTokens: readonly string[],
): (headers: http.IncomingHttpHeaders) => 'admin' | 'user' | 'none' {
  const [expectedName = '', expectedValue = ''] =
    Object.entries(corgeaCredentialHeader(adminToken))[0] ?? [];
  return (headers) => {
    if (headerValue(headers[expectedName.toLowerCase()]) === expectedValue) return 'admin';
    const apiKey = headerValue(headers['corgea-token']);
    const bearer = /^Bearer (.+)$/.exec(headerValue(headers['authorization']))?.[1] ?? '';
    if (userTokens.includes(apiKey) || userTokens.includes(bearer)) return 'user';
    return 'none';
  };
}

/** Discovery of the issuer's `jwks_uri`, from loopback metadata only. */
async function discoverKeys(issuer: string): Promise<string> {
  const metadata = metadataUrl(issuer);
  if (!isLoopbackHost(metadata.hostname)) {
    throw new Error(`the stand-in fetches metadata from loopback hosts only, not ${metadata.host}`);
  }
  const response = await fetch(metadata, { signal: AbortSignal.timeout(5000) });
  if (response.status !== 200) throw new Error(`${metadata.pathname} answered ${response.status}`);
  const doc = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
  if (doc.issuer !== issuer)
    throw new Error(`the metadata describes the issuer ${String(doc.issuer)}`);
  if (typeof doc.jwks_uri !== 'string') throw new Error('the metadata has no jwks_uri');
  return doc.jwks_uri;
}

/** Entra v1 issuers (`https://sts.windows.net/{tenant}/`) publish metadata on the authority host. */
function metadataUrl(issuer: string): URL {
  const url = new URL(issuer);
  const tenant = url.pathname.split('/').filter(Boolean)[0] ?? '';
  if (url.host === 'sts.windows.net') return entraMetadataUrl(ENTRA_PUBLIC_AUTHORITY, tenant, 1);
  if (url.host === 'sts.chinacloudapi.cn')
    return entraMetadataUrl('https://login.chinacloudapi.cn', tenant, 1);
  return joinUrl(issuer, '.well-known/openid-configuration');
}

function failWith(fault: Fault, res: http.ServerResponse, record: (status: number) => void): void {
  if (fault.drop) {
    record(0);
    res.socket?.destroy();
    return;
  }
  const status = fault.status ?? 500;
  record(status);
  res
    .writeHead(status, { 'Content-Type': 'application/json' })
    .end(JSON.stringify({ status: 'error' }));
}

/** Validates a configuration body; returns the reason as a string when it is refused. */
function parseConfig(body: string, allowId: boolean): StandInConfigValues | string {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return 'the body is not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'the body is not an object';
  const fields = value as Record<string, unknown>;
  if ('id' in fields && !allowId) return 'a new configuration must not carry an id';
  for (const field of ['name', 'issuer', 'audience']) {
    if (typeof fields[field] !== 'string' || (fields[field] as string).trim() === '')
      return `${field} is required`;
  }
  const ids = fields['allowed_application_ids'];
  if (
    !Array.isArray(ids) ||
    ids.length === 0 ||
    !ids.every((id) => typeof id === 'string' && id !== '')
  ) {
    return 'allowed_application_ids must be a non-empty list of strings';
  }
  return {
    name: fields['name'] as string,
    issuer: fields['issuer'] as string,
    audience: fields['audience'] as string,
    allowed_application_ids: ids as string[],
  };
}

function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}
