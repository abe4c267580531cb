import { InputError } from '../errors.js';
import { fetchToken, type FetchedToken } from '../fetch-token.js';
import { DEFAULT_CORGEA_URL, DEFAULT_EXPORT_VARIABLE, parseSettings, type Settings } from '../settings.js';
import { readFlags } from './flags.js';
import type { Command, CommandContext } from './main.js';

/** The action's inputs that the command line takes as flags; the secret is not among them. */
const SETTING_FLAGS = [
  'provider',
  'tenant-id',
  'authority-host',
  'issuer',
  'token-url',
  'client-id',
  'scope',
  'resource',
  'client-auth',
  'export-variable',
  'corgea-url',
  'attempts',
  'timeout-seconds',
] as const;

const FORMATS = ['raw', 'env', 'json'] as const;
type Format = (typeof FORMATS)[number];

/** The variable the client secret is read from unless `--client-secret-env` names another. */
export const DEFAULT_SECRET_VARIABLE = 'CORGEA_CLIENT_SECRET';

export const tokenCommand: Command = {
  summary: 'fetch an access token with client credentials and print it',
  usage: `Usage: corgea-idp-auth token --client-id ID [options]

Fetches an access token with client credentials and writes it to stdout; progress goes to stderr.
The client secret is read from the environment, never from the command line.

Options (the same names and defaults as the GitHub Action's inputs):
  --provider entra|okta|oidc     identity provider (default entra)
  --tenant-id ID                 Entra tenant GUID or domain (entra)
  --authority-host URL           Entra cloud (default https://login.microsoftonline.com)
  --issuer URL                   issuer as tokens carry it (okta, oidc)
  --token-url URL                override the token endpoint
  --client-id ID                 application (client) ID (required)
  --scope SCOPE                  entra: api://{client-id}/.default by default; okta: required
  --resource URI                 RFC 8707 resource indicator
  --client-auth basic|post       client authentication (default: from the profile or discovery)
  --attempts N                   tries for a transient failure, 1 to 10 (default 4)
  --timeout-seconds N            limit for one attempt (default 15)
  --client-secret-env NAME       variable holding the secret (default ${DEFAULT_SECRET_VARIABLE})
  --client-secret-stdin          read the secret from stdin instead
  --format raw|env|json          raw: the token alone (default); env: NAME=value lines for the
                                 token (--export-variable, default ${DEFAULT_EXPORT_VARIABLE}) and
                                 CORGEA_URL (--corgea-url); json: every output of the action

Example:
  export CORGEA_TOKEN="$(corgea-idp-auth token --tenant-id "$TENANT" --client-id "$CLIENT")"`,

  async run(context: CommandContext): Promise<void> {
    if (context.args.some((arg) => arg === '--client-secret' || arg.startsWith('--client-secret='))) {
      throw new InputError(
        '--client-secret',
        'a secret on the command line is visible to every process on the machine and lands in ' +
          'shell history.',
        `put it in ${DEFAULT_SECRET_VARIABLE} (or the variable --client-secret-env names), or pipe ` +
          'it with --client-secret-stdin.',
      );
    }
    const read = readFlags(context.args, [...SETTING_FLAGS, 'client-secret-env', 'format'], [
      'client-secret-stdin',
    ]);
    const format = parseFormat(read('format'));
    const secret = await readSecret(read, context);
    if (secret) context.protect(secret);

    const settings = parseSettings((name) => {
      if (name === 'client-secret') return secret;
      if (name === 'export-variable') return read(name) || DEFAULT_EXPORT_VARIABLE;
      return read(name);
    });
    const token = await fetchToken(settings, { log: context.log, protect: context.protect });
    context.stdout(render(format, settings, token));
  },
};

function parseFormat(value: string): Format {
  if (!value) return 'raw';
  if ((FORMATS as readonly string[]).includes(value)) return value as Format;
  throw new InputError(
    '--format',
    `expected one of ${FORMATS.join(', ')}, found "${value}".`,
    'use raw to print the token alone, env for NAME=value lines, json for every output.',
  );
}

async function readSecret(read: (name: string) => string, context: CommandContext): Promise<string> {
  if (read('client-secret-stdin')) {
    const text = (await context.readStdin()).replace(/\r?\n$/, '');
    if (!text) {
      throw new InputError('--client-secret-stdin', 'stdin was empty.', 'pipe the secret into the command.');
    }
    return text;
  }
  const variable = read('client-secret-env') || DEFAULT_SECRET_VARIABLE;
  const value = context.env[variable] ?? '';
  if (!value) {
    throw new InputError(
      'client-secret',
      `the environment variable ${variable} is empty or not set.`,
      `set ${variable} to the client secret's value, or name another variable with --client-secret-env.`,
    );
  }
  return value;
}

function render(format: Format, settings: Settings, token: FetchedToken): string {
  if (format === 'raw') return `${token.accessToken}\n`;
  if (format === 'env') {
    const name = settings.exportVariable || DEFAULT_EXPORT_VARIABLE;
    const url = (settings.corgeaUrl.href || DEFAULT_CORGEA_URL).replace(/\/+$/, '');
    return `${name}=${token.accessToken}\nCORGEA_URL=${url}\n`;
  }
  return `${JSON.stringify(
    {
      token: token.accessToken,
      'token-type': token.tokenType,
      'expires-in': token.expiresIn,
      'expires-at': token.expiresAt.toISOString(),
      issuer: token.issuer,
      audience: token.audience,
      'application-id': token.applicationId,
    },
    null,
    2,
  )}\n`;
}
