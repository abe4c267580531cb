/**
 * STAND-IN for Microsoft Entra ID, which cannot be reached from here. It follows Microsoft's
 * published behaviour of the v2.0 token endpoint for the client-credentials grant
 * (`POST {authority}/{tenant}/oauth2/v2.0/token`, form body, `client_secret_post` or an RFC 6749
 * Basic header), its access token claims (v1: `iss` `https://sts.windows.net/{tid}/`, `aud` the
 * identifier asked for, `appid`; v2: `iss` `{authority}/{tid}/v2.0`, `aud` the resource app's
 * client ID, `azp`; the version chosen by the *resource* app's `requestedAccessTokenVersion`), its
 * metadata and key paths, and its error bodies (`error`, `error_description` starting with
 * `AADSTS<code>:` and ending in trace and correlation IDs and a timestamp, `error_codes`). Its
 * messages are its own wording, not Microsoft's.
 *
 * On loopback the v1 issuer cannot be `sts.windows.net`: it is what `entraIssuer` in src/entra.ts
 * gives for this authority (the stand-in's own origin), so the library's rule is the one used.
 *
 * It listens on 127.0.0.1 at a random port, over http or (option `tls`) https; `close()` stops
 * it. Faults can be queued for retry tests, and every request is logged without its body or
 * headers.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

import { entraIssuer, entraKeysUrl, entraMetadataUrl, entraTokenUrl } from '../../src/entra.js';

/** A client secret of an app registration; several can be live at once, as during rotation. */
export interface EntraSecret {
  readonly value: string;
  /** Milliseconds since the epoch; a secret at or past it answers AADSTS7000222. */
  readonly expiresAt: number;
}

/** An app registration in a tenant, with what the token endpoint looks at. */
export interface EntraApp {
  readonly clientId: string;
  /**
   * Application ID URIs, e.g. `api://{client-id}`; a scope may name one of them or the client ID.
   */
  readonly identifierUris: readonly string[];
  /** The manifest's `accessTokenAcceptedVersion`; null and 1 give v1 tokens. */
  readonly requestedAccessTokenVersion: 1 | 2 | null;
  /** Whether the tenant holds a service principal (enterprise application) for the app. */
  readonly servicePrincipal: boolean;
  /** Mutable, so that a rotation test can add and remove secrets while the stand-in runs. */
  readonly secrets: EntraSecret[];
}

export interface EntraTenant {
  /** The directory (tenant) ID, a GUID; tokens carry it in `tid`. */
  readonly tenantId: string;
  /** Verified domains that name the tenant in the path too, e.g. `contoso.onmicrosoft.com`. */
  readonly domains: readonly string[];
  readonly apps: readonly EntraApp[];
}

/**
 * The common app registration: a service principal, the one Application ID URI
 * `api://{client-id}`, and one client secret `secret` that expires an hour from now.
 */
export function entraApp(
  clientId: string,
  secret: string,
  requestedAccessTokenVersion: 1 | 2 | null = null,
): EntraApp {
  return {
    clientId,
    identifierUris: [`api://${clientId}`],
    requestedAccessTokenVersion,
    servicePrincipal: true,
    secrets: [{ value: secret, expiresAt: Date.now() + 3_600_000 }],
  };
}

export interface EntraStandInOptions {
  readonly tenants: readonly EntraTenant[];
  /** Seconds a token lives; Entra gives between 60 and 90 minutes. Default 3599. */
  readonly tokenLifetimeSeconds?: number;
  /** Send `expires_in` as a numeric string, as older Entra endpoints did. */
  readonly expiresInAsString?: boolean;
  /** Serve https with this certificate (see test/support/tls.ts) instead of plain http. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

/** A fault the next token response suffers instead of (or before) its normal answer. */
export type EntraFault =
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'throttled'; readonly retryAfterSeconds: number }
  | { readonly kind: 'html' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'reset' };

/** One request as the stand-in saw it: never the body, the secret or a header. */
export interface EntraRequestRecord {
  readonly method: string;
  readonly path: string;
  /** The tenant segment of the path as sent (GUID or domain). */
  readonly tenant: string;
  readonly clientId: string | undefined;
  /** How the client authenticated: secret in the form, in a Basic header, or not at all. */
  readonly clientAuth: 'post' | 'basic' | 'none';
  readonly scope: string | undefined;
  readonly status: number;
  readonly fault: EntraFault['kind'] | undefined;
  /** The AADSTS code of an error answer. */
  readonly errorCode: number | undefined;
}

export interface EntraStandIn {
  /** The authority host to pass as `authority-host`, e.g. `http://127.0.0.1:40123` (https with `tls`). */
  readonly authority: string;
  /** `{authority}/{tenant}/oauth2/v2.0/token`. */
  tokenUrl(tenant: string): string;
  /** The `iss` its tokens of `version` carry for `tenantId`, by src/entra.ts's rule. */
  issuer(tenantId: string, version: 1 | 2): string;
  /** The public key that signs every token. */
  readonly publicJwk: JWK;
  readonly requests: readonly EntraRequestRecord[];
  /**
   * TCP connections accepted so far. One per request when requests arrive one per connection, as
   * the library sends them; more tells that something else connected (a tunnel left unused).
   */
  readonly connections: number;
  /** Queues faults; each one is spent on the next token request. */
  inject(...faults: EntraFault[]): void;
  close(): Promise<void>;
}

const KID = 'entra-stand-in-rs256';
const MAX_BODY = 64 * 1024;

/** Starts the stand-in on 127.0.0.1 at a random port. */
export async function startEntraStandIn(options: EntraStandInOptions): Promise<EntraStandIn> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  const requests: EntraRequestRecord[] = [];
  const faults: EntraFault[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let authority = '';

  const listener: http.RequestListener = (req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  };
  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : http.createServer(listener);
  let connections = 0;
  server.on('connection', () => void connections++);

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
    const [, tenantSegment = '', ...rest] = path.split('/');
    const tenantName = decodeURIComponent(tenantSegment);
    const route = rest.join('/');
    const record = (entry: Partial<EntraRequestRecord> & { status: number }) =>
      requests.push({
        method: req.method ?? '',
        path,
        tenant: tenantName,
        clientId: undefined,
        clientAuth: 'none',
        scope: undefined,
        fault: undefined,
        errorCode: undefined,
        ...entry,
      });

    if (req.method === 'POST' && route === 'oauth2/v2.0/token') {
      const body = await readBody(req);
      const fault = faults.shift();
      const faultStatus = fault ? await applyFault(fault, res) : undefined;
      if (fault && faultStatus !== undefined) {
        record({ status: faultStatus, fault: fault.kind });
        return;
      }
      const answer = await tokenAnswer(tenantName, body, req.headers.authorization);
      send(res, answer.status, answer.body);
      record({
        status: answer.status,
        clientId: answer.clientId,
        clientAuth: answer.clientAuth,
        scope: answer.scope,
        fault: fault?.kind,
        errorCode: answer.errorCode,
      });
      return;
    }

    const tenant = findTenant(options.tenants, tenantName);
    const metadata: Record<string, 1 | 2> = {
      '.well-known/openid-configuration': 1,
      'v2.0/.well-known/openid-configuration': 2,
    };
    const keys: Record<string, true> = { 'discovery/keys': true, 'discovery/v2.0/keys': true };
    if (req.method === 'GET' && (route in metadata || route in keys)) {
      if (!tenant) {
        const error = entraError(90002, tenantName, '');
        send(res, error.status, error.body);
        record({ status: error.status, errorCode: 90002 });
        return;
      }
      const version = metadata[route];
      const body = version ? metadataDocument(tenant.tenantId, version) : { keys: [publicJwk] };
      send(res, 200, body);
      record({ status: 200 });
      return;
    }

    send(res, 404, { error: 'not_found', error_description: `No route ${req.method} ${path}.` });
    record({ status: 404 });
  }

  /**
   * Answers a queued fault and returns the status sent (0: connection dropped), or undefined when
   * the fault only delays the normal answer.
   */
  async function applyFault(
    fault: EntraFault,
    res: http.ServerResponse,
  ): Promise<number | undefined> {
    switch (fault.kind) {
      case 'unavailable':
        res.writeHead(503, { 'Content-Type': 'text/plain' }).end('Service Unavailable');
        return 503;
      case 'throttled':
        res
          .writeHead(429, {
            'Content-Type': 'application/json',
            'Retry-After': String(fault.retryAfterSeconds),
          })
          .end(
            JSON.stringify({
              error: 'temporarily_unavailable',
              error_description: 'Too many requests.',
            }),
          );
        return 429;
      case 'html':
        res
          .writeHead(200, { 'Content-Type': 'text/html' })
          .end('<html><body>Sign in</body></html>');
        return 200;
      case 'reset':
        res.socket?.destroy();
        return 0;
      case 'delay':
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, fault.ms);
          timers.add(timer);
        });
        return undefined;
    }
  }

  async function tokenAnswer(
    tenantName: string,
    body: URLSearchParams,
    authorization: string | undefined,
  ): Promise<TokenAnswer> {
    const basic = parseBasic(authorization);
    const clientId = basic?.clientId ?? body.get('client_id') ?? undefined;
    const secret = basic?.secret ?? body.get('client_secret') ?? undefined;
    const clientAuth = basic ? 'basic' : secret !== undefined ? 'post' : 'none';
    const scope = body.get('scope') ?? undefined;
    const seen = { clientId, clientAuth, scope } as const;
    const fail = (code: number, detail = '') => ({
      ...seen,
      ...entraError(code, tenantName, detail),
    });

    const tenant = findTenant(options.tenants, tenantName);
    if (!tenant) return fail(90002);
    if (body.get('grant_type') !== 'client_credentials') {
      return body.get('grant_type') === null ? fail(900144, 'grant_type') : fail(70003);
    }
    if (!clientId) return fail(900144, 'client_id');
    const app = tenant.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
    if (!app) return fail(700016, clientId);
    if (!scope) return fail(900144, 'scope');
    if (!scope.endsWith('/.default') || /\s/.test(scope.trim())) return fail(70011, scope);
    if (secret === undefined) return fail(7000218);

    const now = Date.now();
    const matching = app.secrets.filter((s) => s.value === secret);
    if (matching.length === 0) return fail(7000215, app.clientId);
    if (!matching.some((s) => s.expiresAt > now)) return fail(7000222, app.clientId);

    const identifier = scope.slice(0, -'/.default'.length);
    const resource = tenant.apps.find(
      (a) =>
        a.identifierUris.includes(identifier) ||
        a.clientId.toLowerCase() === identifier.toLowerCase(),
    );
    if (!resource || !resource.servicePrincipal) return fail(500011, identifier);

    const version = resource.requestedAccessTokenVersion === 2 ? 2 : 1;
    const lifetime = options.tokenLifetimeSeconds ?? 3599;
    const accessToken = await signToken(privateKey, {
      version,
      tenantId: tenant.tenantId,
      issuer: entraIssuer(tenant.tenantId, version, authority),
      audience: version === 2 ? resource.clientId : identifier,
      clientId: app.clientId,
      lifetime,
    });
    const expiresIn = options.expiresInAsString ? String(lifetime) : lifetime;
    return {
      ...seen,
      status: 200,
      errorCode: undefined,
      body: {
        token_type: 'Bearer',
        expires_in: expiresIn,
        ext_expires_in: expiresIn,
        access_token: accessToken,
      },
    };
  }

  function metadataDocument(tenantId: string, version: 1 | 2): Record<string, unknown> {
    return {
      issuer: entraIssuer(tenantId, version, authority),
      // LIMITATION: the v1 token endpoint (`/oauth2/token`) is named as Entra names it but not
      // served; the library only calls the v2.0 endpoint, which issues both versions.
      token_endpoint:
        version === 2
          ? entraTokenUrl(authority, tenantId).href
          : `${authority}/${tenantId}/oauth2/token`,
      token_endpoint_auth_methods_supported: [
        'client_secret_post',
        'private_key_jwt',
        'client_secret_basic',
      ],
      jwks_uri: entraKeysUrl(authority, tenantId, version).href,
      id_token_signing_alg_values_supported: ['RS256'],
      tenant_region_scope: 'EU',
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const scheme = options.tls ? 'https' : 'http';
  authority = `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    authority,
    tokenUrl: (tenant) => entraTokenUrl(authority, tenant).href,
    issuer: (tenantId, version) => entraIssuer(tenantId, version, authority),
    publicJwk,
    requests,
    get connections() {
      return connections;
    },
    inject: (...more) => faults.push(...more),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The metadata URL of a tenant at the stand-in, for tests that read it. */
export function entraStandInMetadataUrl(
  standIn: EntraStandIn,
  tenant: string,
  version: 1 | 2,
): string {
  return entraMetadataUrl(standIn.authority, tenant, version).href;
}

interface TokenAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly clientId: string | undefined;
  readonly clientAuth: 'post' | 'basic' | 'none';
  readonly scope: string | undefined;
  readonly errorCode: number | undefined;
}

function findTenant(tenants: readonly EntraTenant[], name: string): EntraTenant | undefined {
  const key = name.toLowerCase();
  return tenants.find(
    (t) => t.tenantId.toLowerCase() === key || t.domains.some((d) => d.toLowerCase() === key),
  );
}

async function signToken(
  key: CryptoKey,
  claims: {
    version: 1 | 2;
    tenantId: string;
    issuer: string;
    audience: string;
    clientId: string;
    lifetime: number;
  },
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const objectId = randomUUID();
  const common = {
    aud: claims.audience,
    iss: claims.issuer,
    iat: now,
    nbf: now,
    exp: now + claims.lifetime,
    oid: objectId,
    sub: objectId,
    tid: claims.tenantId,
    uti: randomUUID().replaceAll('-', '').slice(0, 22),
  };
  const payload =
    claims.version === 1
      ? { ...common, appid: claims.clientId, appidacr: '1', idp: claims.issuer, ver: '1.0' }
      : { ...common, azp: claims.clientId, azpacr: '1', ver: '2.0' };
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: KID }).sign(key);
}

/** The Basic header of RFC 6749 section 2.3.1: base64 of form-encoded ID and secret. */
function parseBasic(header: string | undefined): { clientId: string; secret: string } | undefined {
  const match = header?.match(/^Basic\s+(\S+)$/i);
  if (!match?.[1]) return undefined;
  const pair = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = pair.indexOf(':');
  if (colon < 0) return undefined;
  const decode = (text: string) => decodeURIComponent(text.replaceAll('+', ' '));
  try {
    return { clientId: decode(pair.slice(0, colon)), secret: decode(pair.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/** What each AADSTS code answers: OAuth error, HTTP status and a one-line description. */
const AADSTS: Readonly<
  Record<
    number,
    { error: string; status: number; text: (detail: string, tenant: string) => string }
  >
> = {
  90002: {
    error: 'invalid_request',
    status: 400,
    text: (_d, tenant) =>
      `Tenant '${tenant}' was not found. ` +
      `Check the tenant ID and that you sign in to the right cloud.`,
  },
  700016: {
    error: 'unauthorized_client',
    status: 400,
    text: (id, tenant) =>
      `No application with identifier '${id}' exists in the directory '${tenant}'.`,
  },
  70011: {
    error: 'invalid_scope',
    status: 400,
    text: (scope) =>
      `The scope '${scope}' is not valid: the client credentials flow takes a single scope ` +
      `ending in /.default.`,
  },
  7000215: {
    error: 'invalid_client',
    status: 401,
    text: (id) =>
      `The client secret is not valid for app '${id}'. Send the secret's value, not its ID.`,
  },
  7000222: {
    error: 'invalid_client',
    status: 401,
    text: (id) => `The client secret of app '${id}' has expired. Create a new secret.`,
  },
  7000218: {
    error: 'invalid_client',
    status: 401,
    text: () => `The request body must hold the parameter 'client_assertion' or 'client_secret'.`,
  },
  500011: {
    error: 'invalid_resource',
    status: 400,
    text: (resource, tenant) =>
      `The resource principal named ${resource} was not found in the tenant named ${tenant}.`,
  },
  900144: {
    error: 'invalid_request',
    status: 400,
    text: (parameter) => `The request body must hold the parameter '${parameter}'.`,
  },
  70003: {
    error: 'unsupported_grant_type',
    status: 400,
    text: () => 'The grant type is not supported by this endpoint.',
  },
};

/** An Entra error answer: the first line of the description is the code and the message. */
export function entraError(
  code: number,
  tenant: string,
  detail: string,
): { status: number; body: Record<string, unknown>; errorCode: number } {
  const entry = AADSTS[code];
  if (!entry) throw new Error(`The Entra stand-in has no AADSTS${code}.`);
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    status: entry.status,
    errorCode: code,
    body: {
      error: entry.error,
      error_description:
        `AADSTS${code}: ${entry.text(detail, tenant)}\r\nTrace ID: ${traceId}\r\n` +
        `Correlation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(JSON.stringify(body));
}

async function readBody(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) break;
    chunks.push(chunk as Buffer);
  }
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams();
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
