import { InputError } from '../errors.js';
import type { FetchedToken } from '../fetch-token.js';
import { nodeTransport } from '../http/transport.js';
import { obtainToken } from '../obtain-token.js';
import {
  DEFAULT_CORGEA_URL,
  DEFAULT_EXPORT_VARIABLE,
  parseBoolean,
  parseSettings,
  type InputReader,
  type Settings,
} from '../settings.js';
import { redact } from '../secret.js';
import { PROFILE_FLAGS, readFlags, shownVariable, variableName } from './flags.js';
import type { Command, CommandContext } from './main.js';

/** The action's inputs that the command line takes as flags; the secret is not among them. */
const SETTING_FLAGS = [
  ...PROFILE_FLAGS,
  'export-variable',
  'corgea-url',
  'check-claims',
  'verify',
] as const;

/** The switches among the action's inputs: on by default, as in action.yml. */
const BOOLEAN_FLAGS = ['check-claims', 'verify'] as const;

const FORMATS = ['raw', 'env', 'json'] as const;
type Format = (typeof FORMATS)[number];

/** The variable the client secret is read from unless `--client-secret-env` names another. */
export const DEFAULT_SECRET_VARIABLE = 'CORGEA_CLIENT_SECRET';

export const tokenCommand: Command = {
  summary: 'fetch an access token, check it as the action does, and print it',
  usage:
    `Usage: corgea-idp-auth token --client-id ID [options]

Does what the GitHub Action does: fetches an access token with client credentials, checks its
signature and claims against the expected Corgea configuration, asks Corgea's verify endpoint to
accept it, and only then writes it to stdout. Progress and errors go to stderr. The client
secret is read from the environment or stdin, never from the command line.

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
  --check-claims true|false      check signature, iss, aud, calling app, exp, nbf (default true)
  --expected-issuer URL          the issuer in Corgea (default: derived from the profile)
  --expected-audience AUD        the audience in Corgea (default: derived from the profile)
  --allowed-application-ids ID   an allowed application ID in Corgea (default: --client-id);
                                 repeat the flag, or separate IDs with commas
  --verify true|false            ask GET {corgea-url}/api/v1/verify to accept it (default true)
  --corgea-url URL               the Corgea instance (default: $CORGEA_URL, else
                                 ${DEFAULT_CORGEA_URL})
  --client-secret-env NAME       variable holding the secret (default ${DEFAULT_SECRET_VARIABLE})
  --client-secret-stdin          read the secret from stdin instead
  --format raw|env|json          what stdout gets (default raw):
                                   raw   the token alone
                                   env   NAME=value lines: the token as --export-variable, and
                                         CORGEA_URL; for a dotenv file or >> "$GITHUB_ENV",
                                         never for eval
                                   json  every output of the action
  --export-variable NAME         the token's name in --format env (default ` +
    `${DEFAULT_EXPORT_VARIABLE})

Exits 0 when the token passed every check; otherwise with the action's codes (2 input,
3 metadata, 4 refused by the identity provider, 5 response, 6 network, 7 claim, 8 Corgea) and
nothing on stdout.

Example (assign first, then export: export NAME="$(…)" ends with export's status, 0, and hides
a failed fetch):
  CORGEA_TOKEN="$(corgea-idp-auth token --tenant-id "$TENANT" --client-id "$CLIENT")" || exit
  export CORGEA_TOKEN`,

  refuseCredentials(args) {
    if (args.some((arg) => arg === '--client-secret' || arg.startsWith('--client-secret='))) {
      throw new InputError(
        '--client-secret',
        'a secret on the command line is visible to every process on the machine and lands in ' +
          'shell history.',
        `put it in ${DEFAULT_SECRET_VARIABLE} (or the variable --client-secret-env names), ` +
          'or pipe it with --client-secret-stdin.',
      );
    }
  },

  async run(context: CommandContext): Promise<void> {
    const read = readFlags(context.args, {
      values: [...SETTING_FLAGS, 'client-secret-env', 'format'],
      switches: ['client-secret-stdin'],
      lists: ['allowed-application-ids'],
    });
    const format = parseFormat(read('format'));
    for (const name of BOOLEAN_FLAGS) parseBooleanFlag(read, name);
    const secret = await readSecret(read, context);
    context.protect(secret);

    const settings = parseSettings(
      (name) => {
        if (name === 'client-secret') return secret;
        if (name === 'export-variable') return read(name) || DEFAULT_EXPORT_VARIABLE;
        // As for `register`, and as the scan tools read it: the flag first, then CORGEA_URL.
        if (name === 'corgea-url') return read(name) || (context.env['CORGEA_URL'] ?? '').trim();
        return read(name);
      },
      { applicationIds: { kind: 'flag', name: '--allowed-application-ids' } },
    );
    const token = await obtainToken(settings, {
      log: context.log,
      protect: context.protect,
      transport: nodeTransport({ env: context.env, userAgent: 'corgea-idp-auth' }),
    });
    // Reached only when every enabled check passed: a refused token never reaches stdout.
    context.stdout(render(format, settings, token, (text) => redact(text, [secret])));
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

/** The action's rule for a boolean input, with a fix written for a command line. */
function parseBooleanFlag(read: InputReader, name: (typeof BOOLEAN_FLAGS)[number]): void {
  try {
    parseBoolean(name, read(name), true);
  } catch {
    throw new InputError(
      `--${name}`,
      'expected true or false.',
      `write --${name} true or --${name} false, or leave it out for true.`,
    );
  }
}

async function readSecret(read: InputReader, context: CommandContext): Promise<string> {
  if (read('client-secret-stdin')) {
    const text = (await context.readStdin()).replace(/\r?\n$/, '');
    if (!text) {
      throw new InputError(
        '--client-secret-stdin',
        'stdin was empty.',
        'pipe the secret into the command.',
      );
    }
    return text;
  }
  const variable = variableName(
    read('client-secret-env'),
    '--client-secret-env',
    DEFAULT_SECRET_VARIABLE,
    'the client secret',
  );
  const value = context.env[variable] ?? '';
  if (!value) {
    throw new InputError(
      'client-secret',
      `${shownVariable(variable, '--client-secret-env')} is empty or not set.`,
      "set that variable to the client secret's value, " +
        'or name another variable with --client-secret-env.',
    );
  }
  return value;
}

/** `scrub` blanks the client secret wherever a hostile issuer echoed it into a claim. */
function render(
  format: Format,
  settings: Settings,
  token: FetchedToken,
  scrub: (text: string) => string,
): string {
  if (format === 'raw') return `${token.accessToken}\n`;
  if (format === 'env') {
    // The export variable is never empty here: the command line defaults it before parsing.
    const name = settings.exportVariable;
    const url = settings.corgeaUrl.href.replace(/\/+$/, '');
    return `${name}=${token.accessToken}\nCORGEA_URL=${url}\n`;
  }
  return `${JSON.stringify(
    {
      token: token.accessToken,
      'token-type': token.tokenType,
      'expires-in': token.expiresIn,
      'expires-at': token.expiresAt.toISOString(),
      issuer: scrub(token.issuer),
      audience: scrub(token.audience),
      'application-id': scrub(token.applicationId),
    },
    null,
    2,
  )}\n`;
}
