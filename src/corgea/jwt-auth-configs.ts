/**
 * The client of Corgea's API for JWT-auth configurations, and the only module that knows it.
 *
 * Corgea has not published such an API. This is the contract the project assumes:
 *   GET    {base}       → 200 {"configs": [config…]}
 *   POST   {base}       → 201 config          (the request's config has no id)
 *   PUT    {base}/{id}  → 200 config
 *   DELETE {base}/{id}  → 204
 * where {base} is `{CORGEA_URL}/api/v1/jwt-auth-configs` (the path can be overridden with
 * CORGEA_JWT_CONFIG_PATH) and a config is {"id", "name", "issuer", "audience",
 * "allowed_application_ids": [...]}. The credential travels as Corgea's own tools send one.
 */
import { CorgeaError, InputError, ResponseError } from '../errors.js';
import { parseJsonObject, sendWithRetries, type RequestContext } from '../http/get-json.js';
import { classifyError, classifyResponse, withRetries } from '../http/retry.js';
import type { HttpRequest, HttpResponse } from '../http/transport.js';
import { redact, type Secret } from '../secret.js';
import { joinUrl } from '../urls.js';
import { corgeaCredentialHeader } from './credential-header.js';
import type { JwtAuthConfig, JwtAuthConfigValues } from './jwt-auth-config.js';

/** The path of the configurations, relative to the Corgea URL, unless overridden. */
export const DEFAULT_JWT_CONFIG_PATH = '/api/v1/jwt-auth-configs';

/** The variable that holds the credential; named in messages so a user knows what to change. */
export const ADMIN_TOKEN_VARIABLE = 'CORGEA_ADMIN_TOKEN';

/**
 * The URL of the configurations: `path` (default `/api/v1/jwt-auth-configs`) below the Corgea
 * URL. The path must stay on the Corgea host, since the admin credential goes wherever it points:
 * an absolute URL, `..` segments, a query or a fragment are refused with an `InputError`.
 */
export function jwtAuthConfigsUrl(corgeaUrl: URL, path: string | undefined, source: string): URL {
  const value = (path ?? '').trim() || DEFAULT_JWT_CONFIG_PATH;
  const joined = /^[a-z][a-z0-9+.-]*:|^\/\//i.test(value) ? undefined : joinUrl(corgeaUrl, value);
  // Judged on the URL as it will be sent, after `%2e%2e` and the like are resolved: it must stay
  // on the Corgea host, below the Corgea URL's own path.
  const base = corgeaUrl.pathname.replace(/\/+$/, '');
  if (
    !joined ||
    /[?#]/.test(value) ||
    /(^|\/)\.\.?(\/|$)/.test(value) ||
    joined.origin !== corgeaUrl.origin ||
    !(joined.pathname === base || joined.pathname.startsWith(`${base}/`)) ||
    /%2e/i.test(value)
  ) {
    throw new InputError(
      source,
      `expected a path below the Corgea URL such as ${DEFAULT_JWT_CONFIG_PATH}, ` +
        `found "${value}". The admin credential is sent wherever the path points, ` +
        'so it must stay on the Corgea host.',
      `write the path alone, for example ${DEFAULT_JWT_CONFIG_PATH}; set the host with CORGEA_URL.`,
    );
  }
  return joined;
}

/** Calls one Corgea deployment's configuration API with one admin credential. */
export class JwtAuthConfigClient {
  readonly #base: URL;
  readonly #credential: Secret;
  readonly #context: RequestContext;

  /**
   * `base` comes from `jwtAuthConfigsUrl`; `credential` is the admin token, revealed only into
   * the request header; `context` gives transport, clock, attempts and the debug log.
   */
  constructor(base: URL, credential: Secret, context: RequestContext) {
    this.#base = base;
    this.#credential = credential;
    this.#context = context;
  }

  /** Where the configurations live, for messages. */
  get base(): URL {
    return this.#base;
  }

  /** Every configuration Corgea holds. `lookingFor` names the configuration in an error. */
  async list(lookingFor: string): Promise<JwtAuthConfig[]> {
    // LIMITATION: the assumed API has no pagination; if Corgea pages the list, a configuration
    // beyond the first page is not found and `register` would create a second one of that name.
    const operation = `listing the JWT-auth configurations (looking for "${lookingFor}")`;
    const response = await this.#send(this.#context, { method: 'GET', url: this.#base }, operation);
    if (response.status !== 200) throw this.#failure(response, operation);
    const configs = this.#json(response, operation)['configs'];
    if (!Array.isArray(configs)) {
      throw new ResponseError(
        `Corgea answered ${operation} without a "configs" list at ${this.#where(this.#base)}.`,
        'check CORGEA_URL and CORGEA_JWT_CONFIG_PATH: the URL must point at the configuration API.',
        response.status,
      );
    }
    return configs.map((item) => readConfig(item, operation));
  }

  /**
   * Creates a configuration. A create is not safe to repeat: when an attempt gets no answer or a
   * transient error, the configuration may exist all the same, so before each new attempt the
   * list is read again and a configuration of that name, when present, is returned instead.
   */
  async create(values: JwtAuthConfigValues): Promise<JwtAuthConfig> {
    const operation = `creating the JWT-auth configuration "${values.name}"`;
    const once: RequestContext = { ...this.#context, attempts: 1 };
    type Attempt = { found: JwtAuthConfig } | { response: HttpResponse };
    const { outcome } = await withRetries<Attempt>(
      async (n) => {
        if (n > 1) {
          const found = (await this.list(values.name)).find(
            (config) => config.name === values.name,
          );
          if (found) {
            this.#context.debug(`${operation}: attempt ${n - 1} had created it (id ${found.id}).`);
            return { verdict: { kind: 'done' }, value: { found } };
          }
        }
        try {
          const response = await this.#send(
            once,
            this.#withBody('POST', this.#base, values),
            operation,
          );
          return {
            verdict: classifyResponse(response, this.#context.clock.now()),
            value: { response },
          };
        } catch (error) {
          return { verdict: classifyError(error), error };
        }
      },
      {
        attempts: this.#context.attempts,
        clock: this.#context.clock,
        onRetry: ({ attempt, reason, delayMs }) =>
          this.#context.debug(
            `${operation}: attempt ${attempt} failed (${reason}); listing again in ${delayMs} ms.`,
          ),
      },
    );
    if (!outcome.value) throw outcome.error;
    if ('found' in outcome.value) return outcome.value.found;
    const { response } = outcome.value;
    if (response.status !== 201 && response.status !== 200)
      throw this.#failure(response, operation);
    return readConfig(this.#json(response, operation), operation);
  }

  /** Replaces the values of the configuration `id`. */
  async update(id: string, values: JwtAuthConfigValues): Promise<JwtAuthConfig> {
    const operation = `updating the JWT-auth configuration "${values.name}" (id ${id})`;
    const response = await this.#send(
      this.#context,
      this.#withBody('PUT', this.#itemUrl(id), values),
      operation,
    );
    if (response.status === 404) {
      throw new CorgeaError(
        `Corgea answered 404 to ${operation}: the configuration was deleted since it was listed.`,
        'run register again; it will create the configuration.',
        404,
      );
    }
    if (response.status !== 200) throw this.#failure(response, operation);
    return readConfig(this.#json(response, operation), operation);
  }

  /** Deletes the configuration `id`; false when Corgea says it does not exist (any more). */
  async delete(config: JwtAuthConfig): Promise<boolean> {
    const operation = `deleting the JWT-auth configuration "${config.name}" (id ${config.id})`;
    const url = this.#itemUrl(config.id);
    const response = await this.#send(this.#context, { method: 'DELETE', url }, operation);
    // A retried delete whose first attempt succeeded finds nothing: the outcome wanted all the
    // same.
    if (response.status === 404) return false;
    if (response.status !== 204 && response.status !== 200)
      throw this.#failure(response, operation);
    return true;
  }

  #itemUrl(id: string): URL {
    return joinUrl(this.#base, encodeURIComponent(id));
  }

  #withBody(
    method: 'POST' | 'PUT',
    url: URL,
    values: JwtAuthConfigValues,
  ): Omit<HttpRequest, 'timeoutMs' | 'headers'> {
    const body = {
      name: values.name,
      issuer: values.issuer,
      audience: values.audience,
      allowed_application_ids: [...values.allowedApplicationIds],
    };
    return { method, url, body: JSON.stringify(body) };
  }

  async #send(
    context: RequestContext,
    request: Omit<HttpRequest, 'timeoutMs' | 'headers'>,
    operation: string,
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...corgeaCredentialHeader(this.#credential.reveal()),
    };
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    const { response, attempts } = await sendWithRetries(context, { ...request, headers });
    if (attempts > 1) context.debug(`${operation}: ${attempts} attempts.`);
    return response;
  }

  #json(response: HttpResponse, operation: string): Record<string, unknown> {
    try {
      return parseJsonObject(response, `Corgea API (${operation})`, this.#base);
    } catch (error) {
      if (error instanceof ResponseError) {
        throw new ResponseError(
          error.problem,
          'check CORGEA_URL and CORGEA_JWT_CONFIG_PATH: ' +
            'the URL must point at the configuration API.',
          response.status,
        );
      }
      throw error;
    }
  }

  #where(url: URL): string {
    return `${url.host}${url.pathname}`;
  }

  /** The error for a final status: status, operation and configuration, and what to do. */
  #failure(response: HttpResponse, operation: string): CorgeaError {
    const { status } = response;
    const said = corgeaDetail(response.body, this.#credential);
    const problem =
      `Corgea answered ${status} to ${operation} ` + `at ${this.#where(this.#base)}${said}.`;
    if (status === 401 || status === 403) {
      return new CorgeaError(
        `${problem} The credential in ${ADMIN_TOKEN_VARIABLE} ` +
          'lacks the right to manage integrations' +
          (status === 401 ? ' (Corgea did not accept it at all).' : '.'),
        `set ${ADMIN_TOKEN_VARIABLE} to a current API token of a Corgea user allowed to manage ` +
          'integrations (JWT-auth settings) in this Corgea deployment.',
        status,
      );
    }
    if (status === 404 || status === 405) {
      return new CorgeaError(
        `${problem} This Corgea does not offer the assumed JWT-auth configuration API ` +
          'at that path.',
        'check CORGEA_URL; set CORGEA_JWT_CONFIG_PATH if your Corgea serves the API elsewhere, ' +
          'or turn registration off and enter the issuer, audience and application IDs ' +
          "in Corgea's settings page.",
        status,
      );
    }
    if (status >= 500 || status === 429 || status === 408) {
      return new CorgeaError(
        `${problem} The failure persisted over ${this.#context.attempts} attempts.`,
        'Corgea may be down or overloaded: run the command again later; it is safe to re-run.',
        status,
      );
    }
    return new CorgeaError(
      problem,
      'check the values of the configuration (issuer an https URL, audience, application IDs) ' +
        'against what Corgea accepts.',
      status,
    );
  }
}

/**
 * A short reason from Corgea's error body (`detail`, `error` or `message`), never the body
 * itself: at most 200 printable characters, with the credential blanked should Corgea echo it.
 */
function corgeaDetail(body: string, credential: Secret): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return '';
  }
  if (typeof parsed !== 'object' || parsed === null) return '';
  const fields = parsed as Record<string, unknown>;
  const text = [fields['detail'], fields['error'], fields['message']].find(
    (value): value is string => typeof value === 'string' && value.trim() !== '',
  );
  if (text === undefined) return '';
  const clean = redact(text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim(), [credential.reveal()], {
    maxLength: 200,
  });
  return ` (Corgea said: "${clean}")`;
}

/** Reads one configuration of a response, or throws a `ResponseError` naming the field. */
function readConfig(item: unknown, operation: string): JwtAuthConfig {
  const fields =
    typeof item === 'object' && item !== null && !Array.isArray(item)
      ? (item as Record<string, unknown>)
      : {};
  const id = fields['id'];
  const ids = fields['allowed_application_ids'];
  const wrong = (field: string, expected: string) =>
    new ResponseError(
      `Corgea answered ${operation} with a configuration whose "${field}" is not ${expected}.`,
      'check CORGEA_JWT_CONFIG_PATH: the response does not follow the JWT-auth configuration API.',
    );
  if (typeof id !== 'string' && typeof id !== 'number') throw wrong('id', 'a string or number');
  // The id becomes a path segment of requests that carry the admin credential: `.`, `..`, a
  // slash or a control character would send them elsewhere, or print oddly.
  if (typeof id === 'string' && (!/^[A-Za-z0-9._~:@-]{1,200}$/.test(id) || /^\.{1,2}$/.test(id))) {
    throw wrong('id', 'a plain identifier (letters, digits, . _ ~ : @ -, not . or ..)');
  }
  for (const field of ['name', 'issuer', 'audience']) {
    if (typeof fields[field] !== 'string') throw wrong(field, 'a string');
  }
  if (!Array.isArray(ids) || !ids.every((value) => typeof value === 'string')) {
    throw wrong('allowed_application_ids', 'a list of strings');
  }
  return {
    id: String(id),
    name: fields['name'] as string,
    issuer: fields['issuer'] as string,
    audience: fields['audience'] as string,
    allowedApplicationIds: ids as string[],
  };
}
