import { parseApplicationIds, type ApplicationIdSource } from '../application-ids.js';
import { InputError } from '../errors.js';
import { parseServiceUrl } from '../urls.js';

/**
 * What a Corgea JWT-auth configuration holds, as its settings page asks for it: a name, the
 * issuer and audience a token must carry, and the client IDs of the applications allowed to
 * call (compared with the token's `appid` or `cid`).
 */
export interface JwtAuthConfigValues {
  readonly name: string;
  /** Exactly as tokens carry it in `iss`: a trailing slash is significant. */
  readonly issuer: string;
  readonly audience: string;
  readonly allowedApplicationIds: readonly string[];
}

/** A configuration as Corgea stores it: the values plus the identifier Corgea gave it. */
export interface JwtAuthConfig extends JwtAuthConfigValues {
  readonly id: string;
}

/** Where each value came from, so that a message names the flag or variable the user set. */
export interface JwtAuthConfigSources {
  readonly name: string;
  readonly issuer: string;
  readonly audience: string;
  /** A flag or a variable: the fix for a malformed list depends on which. */
  readonly allowedApplicationIds: ApplicationIdSource;
}

/**
 * Validates the values of a configuration to register: a name, an issuer that is an https URL
 * (plain http only on loopback), an audience and at least one application ID, read by the
 * project's one rule for such lists (`parseApplicationIds`: one per line or comma-separated).
 * Throws an `InputError` naming the source (flag or variable) of the value at fault.
 */
export function parseJwtAuthConfigValues(
  raw: { name: string; issuer: string; audience: string; allowedApplicationIds: string },
  sources: JwtAuthConfigSources,
): JwtAuthConfigValues {
  return {
    name: parseName(raw.name, sources.name),
    issuer: parseIssuer(raw.issuer, sources.issuer),
    audience: parseAudience(raw.audience, sources.audience),
    allowedApplicationIds: parseAllowedApplicationIds(
      raw.allowedApplicationIds,
      sources.allowedApplicationIds,
    ),
  };
}

/** Validates the name of a configuration: the key by which `register` and `deregister` find it. */
export function parseName(value: string, source: string): string {
  const name = value.trim();
  if (!name) {
    throw new InputError(
      source,
      'the name of the JWT-auth configuration is missing.',
      `set ${source}, for example to "ci-staging"; one configuration per environment.`,
    );
  }
  if (/[\u0000-\u001f\u007f]/.test(name) || name.length > 200) {
    throw new InputError(
      source,
      `expected a name of at most 200 printable characters, found ${name.length} characters` +
        `${/[\u0000-\u001f\u007f]/.test(name) ? ' with control characters' : ''}.`,
      'use a short name such as "ci-production".',
    );
  }
  return name;
}

export function parseIssuer(value: string, source: string): string {
  const issuer = value.trim();
  if (!issuer) {
    throw new InputError(
      source,
      'the issuer is missing.',
      `set ${source} to the issuer exactly as tokens carry it in iss, for example ` +
        'https://sts.windows.net/{tenant-id}/ for Entra v1 tokens.',
    );
  }
  // Validated as a URL, kept as written: Corgea compares the text with `iss` character for
  // character.
  parseServiceUrl(source, issuer);
  return issuer;
}

export function parseAudience(value: string, source: string): string {
  const audience = value.trim();
  if (!audience) {
    throw new InputError(
      source,
      'the audience is missing.',
      `set ${source} to the aud of the tokens: the Application ID URI (api://…) for Entra v1 ` +
        'tokens, the client ID for v2.',
    );
  }
  return audience;
}

/** A configuration needs at least one allowed application ID: Corgea would accept no token. */
function parseAllowedApplicationIds(value: string, source: ApplicationIdSource): readonly string[] {
  const ids = parseApplicationIds(value, source);
  if (ids.length === 0) {
    throw new InputError(
      source.name,
      'expected at least one application ID, found none.',
      `set ${source.name} to the client ID of each application allowed to call Corgea, ` +
        'one per line.',
    );
  }
  return ids;
}

/**
 * The fields in which two configurations differ, in Corgea's field names. Application IDs are
 * compared as a set: their order on Corgea's form means nothing.
 */
export function differingFields(a: JwtAuthConfigValues, b: JwtAuthConfigValues): string[] {
  const fields: string[] = [];
  if (a.name !== b.name) fields.push('name');
  if (a.issuer !== b.issuer) fields.push('issuer');
  if (a.audience !== b.audience) fields.push('audience');
  const left = [...new Set(a.allowedApplicationIds)].sort();
  const right = [...new Set(b.allowedApplicationIds)].sort();
  if (left.length !== right.length || left.some((id, i) => id !== right[i])) {
    fields.push('allowed_application_ids');
  }
  return fields;
}
