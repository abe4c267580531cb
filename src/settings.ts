import { parseApplicationIds, type ApplicationIdSource } from './application-ids.js';
import { InputError } from './errors.js';
import { Secret } from './secret.js';
import { parseServiceUrl } from './urls.js';

/** The identity providers that have a profile. */
export const PROVIDERS = ['entra', 'okta', 'oidc'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** How the client authenticates at the token endpoint (RFC 6749 section 2.3.1). */
export type ClientAuth = 'basic' | 'post';

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
export const DEFAULT_CORGEA_URL = 'https://www.corgea.app';
export const DEFAULT_EXPORT_VARIABLE = 'CORGEA_TOKEN';
export const DEFAULT_ATTEMPTS = 4;
export const MAX_ATTEMPTS = 10;
export const DEFAULT_TIMEOUT_SECONDS = 15;
export const MAX_TIMEOUT_SECONDS = 300;

/** Everything one token fetch needs, validated. Built only by `parseSettings`. */
export interface Settings {
  readonly provider: Provider;
  /** Entra only: tenant GUID or verified domain. */
  readonly tenantId: string | undefined;
  /** Entra only: the cloud's authority host (URLs are joined to it with `joinUrl`). */
  readonly authorityHost: URL;
  /** Okta and generic OIDC: the issuer exactly as written, as tokens carry it in `iss`. */
  readonly issuer: string | undefined;
  readonly tokenUrl: URL | undefined;
  readonly clientId: string;
  readonly clientSecret: Secret;
  readonly scope: string | undefined;
  readonly resource: string | undefined;
  /** Undefined: chosen by the profile (Entra: post; OIDC: from discovery). */
  readonly clientAuth: ClientAuth | undefined;
  /** Empty string: export turned off. */
  readonly exportVariable: string;
  readonly corgeaUrl: URL;
  readonly outputToken: boolean;
  readonly attempts: number;
  readonly timeoutMs: number;
  /** The Corgea JWT-auth configuration to check against; derived from the profile when absent. */
  readonly expectedIssuer: string | undefined;
  readonly expectedAudience: string | undefined;
  readonly allowedApplicationIds: readonly string[] | undefined;
  /** Whether the token's signature and claims are checked before it is exported. */
  readonly checkClaims: boolean;
  /** Whether Corgea's verify endpoint is asked to accept the token. */
  readonly verify: boolean;
  /** Whether the job summary is written. */
  readonly summary: boolean;
}

/** The inputs the command line's `check` needs: who issues the token, never a secret. */
export type CheckSettings = Pick<
  Settings,
  | 'provider'
  | 'tenantId'
  | 'authorityHost'
  | 'issuer'
  | 'tokenUrl'
  | 'clientId'
  | 'clientAuth'
  | 'scope'
  | 'resource'
  | 'attempts'
  | 'timeoutMs'
  | 'expectedIssuer'
  | 'expectedAudience'
  | 'allowedApplicationIds'
>;

/** Reads one raw input by its kebab-case name; an absent input reads as the empty string. */
export type InputReader = (name: string) => string;

/** Where the inputs came from, where a message's fix depends on it. */
export interface InputOrigin {
  /** Where `allowed-application-ids` came from; the action input unless said otherwise. */
  readonly applicationIds: ApplicationIdSource;
}

const ACTION_INPUTS: InputOrigin = {
  applicationIds: { kind: 'action-input', name: 'allowed-application-ids' },
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether `value` is a tenant GUID. */
export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/**
 * Validates every input and returns one frozen settings object, or throws an `InputError` that
 * names the first input at fault. Runs before any request, so a typo costs no network time.
 * The client secret is wrapped in a `Secret` at once; callers mask it before calling this.
 */
export function parseSettings(read: InputReader, origin: InputOrigin = ACTION_INPUTS): Settings {
  const provider = parseProvider(read('provider'));
  const clientId = parseClientId(read('client-id'));
  const clientSecret = read('client-secret');
  if (!clientSecret) {
    throw new InputError(
      'client-secret',
      'is required and was empty.',
      'pass the client secret from a repository or organisation secret, e.g. ' +
        '`client-secret: ${{ secrets.CORGEA_CLIENT_SECRET }}`.',
    );
  }

  return Object.freeze({
    ...parseTarget(read, provider, clientId, true, origin),
    clientSecret: new Secret(clientSecret),
    exportVariable: parseExportVariable(read('export-variable')),
    corgeaUrl: parseServiceUrl('corgea-url', read('corgea-url') || DEFAULT_CORGEA_URL),
    outputToken: parseBoolean('output-token', read('output-token'), true),
    checkClaims: parseBoolean('check-claims', read('check-claims'), true),
    verify: parseBoolean('verify', read('verify'), true),
    summary: parseBoolean('summary', read('summary'), true),
  });
}

/**
 * Validates the inputs that describe the issuer and the expected Corgea configuration, without
 * the client secret: what the command line's `check` needs to check a token it did not fetch.
 */
export function parseCheckSettings(
  read: InputReader,
  origin: InputOrigin = ACTION_INPUTS,
): CheckSettings {
  const provider = parseProvider(read('provider'));
  return Object.freeze(
    parseTarget(read, provider, parseClientId(read('client-id')), false, origin),
  );
}

/** The inputs shared by the token fetch and the check: the issuer, the client, the expectations. */
function parseTarget(
  read: InputReader,
  provider: Provider,
  clientId: string,
  scopeRequired: boolean,
  origin: InputOrigin,
): CheckSettings {
  const tenantId = provider === 'entra' ? parseTenant(read('tenant-id')) : undefined;
  const authorityHost = parseServiceUrl(
    'authority-host',
    read('authority-host') || DEFAULT_AUTHORITY_HOST,
  );
  const issuerText = read('issuer');
  if (provider !== 'entra' && !issuerText) {
    throw new InputError(
      'issuer',
      `is required for provider ${provider} and was empty.`,
      provider === 'okta'
        ? 'pass the authorization server issuer, e.g. https://example.okta.com/oauth2/default.'
        : 'pass the issuer URL exactly as the tokens carry it in `iss`.',
    );
  }
  // Kept as written: `URL` would add a slash to a bare origin, and `iss` is compared exactly.
  if (issuerText) parseServiceUrl('issuer', issuerText);
  const tokenUrlText = read('token-url');

  return {
    provider,
    tenantId,
    authorityHost,
    issuer: issuerText || undefined,
    tokenUrl: tokenUrlText ? parseServiceUrl('token-url', tokenUrlText) : undefined,
    clientId,
    clientAuth: parseClientAuth(read('client-auth')),
    scope: parseScope(provider, read('scope'), clientId, scopeRequired),
    resource: parseResource(read('resource')),
    attempts: parseInteger('attempts', read('attempts'), DEFAULT_ATTEMPTS, 1, MAX_ATTEMPTS),
    timeoutMs:
      parseInteger(
        'timeout-seconds',
        read('timeout-seconds'),
        DEFAULT_TIMEOUT_SECONDS,
        1,
        MAX_TIMEOUT_SECONDS,
      ) * 1000,
    ...parseExpectations(read, origin),
  };
}

function parseExpectations(
  read: InputReader,
  origin: InputOrigin,
): Pick<Settings, 'expectedIssuer' | 'expectedAudience' | 'allowedApplicationIds'> {
  // Kept as written, like `issuer`: Corgea compares `iss` exactly, trailing slash included.
  const expectedIssuer = read('expected-issuer').trim() || undefined;
  if (expectedIssuer) parseServiceUrl('expected-issuer', expectedIssuer);
  const expectedAudience = read('expected-audience').trim() || undefined;
  if (expectedAudience && /\s/.test(expectedAudience)) {
    throw new InputError(
      'expected-audience',
      `expected one audience without spaces, found "${expectedAudience}".`,
      'enter the audience exactly as in the Corgea JWT-auth configuration, e.g. api://{client-id}.',
    );
  }
  // No ID means "derive them from the profile", as action.yml documents.
  const ids = parseApplicationIds(read('allowed-application-ids'), origin.applicationIds);
  return {
    expectedIssuer,
    expectedAudience,
    allowedApplicationIds: ids.length > 0 ? ids : undefined,
  };
}

function parseProvider(value: string): Provider {
  const provider = (value || 'entra').toLowerCase();
  if (!(PROVIDERS as readonly string[]).includes(provider)) {
    throw new InputError(
      'provider',
      `expected one of ${PROVIDERS.join(', ')}, found "${value}".`,
      'use entra for Microsoft Entra ID, okta for an Okta authorization server, oidc for any ' +
        'other OpenID Connect issuer.',
    );
  }
  return provider as Provider;
}

function parseClientId(value: string): string {
  if (!value) {
    throw new InputError(
      'client-id',
      'is required and was empty.',
      'pass the application (client) ID of the app registration or service app.',
    );
  }
  if (/\s/.test(value)) {
    throw new InputError(
      'client-id',
      `expected an identifier without spaces, found "${value}".`,
      'copy the client ID again; it is one word (for Entra, a GUID).',
    );
  }
  return value;
}

function parseTenant(value: string): string {
  if (!value) {
    throw new InputError(
      'tenant-id',
      'is required for provider entra and was empty.',
      'pass the directory (tenant) ID, a GUID, ' +
        'or a verified domain such as contoso.onmicrosoft.com.',
    );
  }
  if (['common', 'organizations', 'consumers'].includes(value.toLowerCase())) {
    throw new InputError(
      'tenant-id',
      `"${value}" is a multi-tenant alias; client credentials need one specific tenant.`,
      'pass the directory (tenant) ID GUID of the tenant that holds the app registration.',
    );
  }
  if (!GUID.test(value) && !DOMAIN.test(value)) {
    throw new InputError(
      'tenant-id',
      `expected a GUID or a domain name, found "${value}".`,
      'copy the directory (tenant) ID from the app registration overview page.',
    );
  }
  return value;
}

function parseScope(
  provider: Provider,
  value: string,
  clientId: string,
  requiredForOkta: boolean,
): string | undefined {
  const scope = value.trim();
  if (provider === 'entra') {
    const effective = scope || `api://${clientId}/.default`;
    if (!/^\S+\/\.default$/.test(effective)) {
      throw new InputError(
        'scope',
        `expected one resource followed by /.default, found "${scope}".`,
        'Entra client credentials take exactly one scope of the form {resource}/.default, ' +
          `e.g. api://${clientId}/.default.`,
      );
    }
    return effective;
  }
  if (provider === 'okta' && !scope && requiredForOkta) {
    throw new InputError(
      'scope',
      'is required for provider okta and was empty.',
      'pass a custom scope of the authorization server that its access policy grants to this app.',
    );
  }
  return scope || undefined;
}

function parseResource(value: string): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(
      'resource',
      `expected an absolute URI (RFC 8707), found "${value}".`,
      'pass the resource as an absolute URI, e.g. https://api.example.com or api://corgea.',
    );
  }
  if (url.hash) {
    throw new InputError(
      'resource',
      `a resource indicator must not have a fragment, found "${url.hash}".`,
      'remove everything from the "#" on.',
    );
  }
  return value;
}

function parseClientAuth(value: string): ClientAuth | undefined {
  if (!value) return undefined;
  const v = value.toLowerCase();
  if (v === 'basic' || v === 'post') return v;
  throw new InputError(
    'client-auth',
    `expected basic or post, found "${value}".`,
    'use basic for client_secret_basic (HTTP Basic header) or post for client_secret_post ' +
      '(credentials in the form body), or leave it empty to choose from discovery.',
  );
}

function parseExportVariable(value: string): string {
  // An input that is absent takes the default; one that is present and empty turns export off.
  // The runner cannot tell the two apart, so the action's default lives in action.yml.
  const name = value.trim();
  if (!name) return '';
  if (!ENV_NAME.test(name)) {
    throw new InputError(
      'export-variable',
      `expected an environment variable name (letters, digits, underscores), found "${name}".`,
      `use a name such as ${DEFAULT_EXPORT_VARIABLE}, or leave it empty to export nothing.`,
    );
  }
  if (/^(GITHUB_|RUNNER_)/i.test(name) || name.toUpperCase() === 'NODE_OPTIONS') {
    throw new InputError(
      'export-variable',
      `"${name}" is reserved by the runner and cannot be set from a step.`,
      `use a name such as ${DEFAULT_EXPORT_VARIABLE}.`,
    );
  }
  return name;
}

/** Parses a boolean the way the runner's YAML 1.2 core schema writes one. */
export function parseBoolean(input: string, value: string, fallback: boolean): boolean {
  if (!value) return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(
    input,
    `expected true or false, found "${value}".`,
    `write ${input}: true or ${input}: false.`,
  );
}

function parseInteger(
  input: string,
  value: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (!value) return fallback;
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InputError(
      input,
      `expected a whole number from ${min} to ${max}, found "${value}".`,
      `leave it empty for the default of ${fallback}, or pick a number in that range.`,
    );
  }
  return n;
}
