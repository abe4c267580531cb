import type { ApplicationIdSource } from '../application-ids.js';
import { parseJwtAuthConfigValues, parseName } from '../corgea/jwt-auth-config.js';
import {
  ADMIN_TOKEN_VARIABLE,
  DEFAULT_JWT_CONFIG_PATH,
  JwtAuthConfigClient,
  jwtAuthConfigsUrl,
} from '../corgea/jwt-auth-configs.js';
import { deregisterJwtAuthConfig, registerJwtAuthConfig } from '../corgea/registration.js';
import { InputError } from '../errors.js';
import type { RequestContext } from '../http/get-json.js';
import { systemClock } from '../http/retry.js';
import { nodeTransport } from '../http/transport.js';
import { oneLine } from '../one-line.js';
import { redact, Secret } from '../secret.js';
import { DEFAULT_ATTEMPTS, DEFAULT_CORGEA_URL, DEFAULT_TIMEOUT_SECONDS } from '../settings.js';
import { parseServiceUrl } from '../urls.js';
import { readFlags } from './flags.js';
import type { Command, CommandContext } from './main.js';

/** Each flag and the variable read when the flag is absent, as the CDKTF provisioners set them. */
const VARIABLES = {
  name: 'CORGEA_CONFIG_NAME',
  issuer: 'CORGEA_CONFIG_ISSUER',
  audience: 'CORGEA_CONFIG_AUDIENCE',
  'allowed-application-ids': 'CORGEA_CONFIG_ALLOWED_APPLICATION_IDS',
  'corgea-url': 'CORGEA_URL',
} as const;
type Flag = keyof typeof VARIABLES;

const PATH_VARIABLE = 'CORGEA_JWT_CONFIG_PATH';

const ENVIRONMENT_HELP = `The Corgea credential comes only from the environment:
  ${ADMIN_TOKEN_VARIABLE}             an API token of a Corgea user allowed to manage integrations
  ${PATH_VARIABLE}         the API path below the Corgea URL (default ${DEFAULT_JWT_CONFIG_PATH})`;

/** `register`: creates or updates the JWT-auth configuration of a name, or leaves it as it is. */
export const registerCommand: Command = {
  summary: 'create or update a Corgea JWT-auth configuration by name',
  usage:
    'Usage: corgea-idp-auth register --name NAME --issuer URL --audience AUD ' +
    `--allowed-application-ids IDS

Makes Corgea hold exactly this JWT-auth configuration under its name: creates it when missing,
updates it when it differs, leaves it alone when equal, and prints one line saying which.
Configurations of other names are not touched. Safe to re-run.

Options (each falls back to the variable named on its right):
  --name NAME                    the configuration's name            ${VARIABLES.name}
  --issuer URL                   iss exactly as tokens carry it      ${VARIABLES.issuer}
  --audience AUD                 aud of the tokens                   ${VARIABLES.audience}
  --allowed-application-ids IDS  client IDs allowed to call, one per ` +
    `${VARIABLES['allowed-application-ids']}
                                 line or comma-separated; the flag
                                 may be repeated
  --corgea-url URL               default ${DEFAULT_CORGEA_URL}       ${VARIABLES['corgea-url']}

${ENVIRONMENT_HELP}`,

  refuseCredentials,

  async run(context: CommandContext): Promise<void> {
    const input = readInputs(context, [
      'name',
      'issuer',
      'audience',
      'allowed-application-ids',
      'corgea-url',
    ]);
    const token = readAdminToken(context);
    const desired = parseJwtAuthConfigValues(
      {
        name: input.value('name'),
        issuer: input.value('issuer'),
        audience: input.value('audience'),
        allowedApplicationIds: input.value('allowed-application-ids'),
      },
      {
        name: input.source('name'),
        issuer: input.source('issuer'),
        audience: input.source('audience'),
        allowedApplicationIds: listSource(input),
      },
    );
    const client = connect(context, input, token);
    context.log.info(
      `Registering the JWT-auth configuration "${desired.name}" ` +
        `at ${client.base.host}${client.base.pathname}: ` +
        `issuer ${desired.issuer}, audience ${desired.audience}, allowed application IDs ` +
        `${desired.allowedApplicationIds.join(', ')}.`,
    );

    const outcome = await registerJwtAuthConfig(client, desired);
    // The name asked for, not the one Corgea echoed: stdout is not redacted by the runner's rules.
    const subject = `JWT-auth configuration "${desired.name}" (id ${outcome.config.id})`;
    const detail = outcome.action === 'updated' ? `: ${outcome.changed.join(', ')} changed` : '';
    context.stdout(reportLine(`${outcome.action} ${subject}${detail}`, token));
  },
};

/** `deregister`: deletes the JWT-auth configuration of a name, and nothing else. */
export const deregisterCommand: Command = {
  summary: 'delete the Corgea JWT-auth configuration of a name',
  usage: `Usage: corgea-idp-auth deregister --name NAME

Deletes the JWT-auth configuration of that name, and only that one. Prints what it did; a
configuration that is already gone is not an error. Safe to re-run.

Options (each falls back to the variable named on its right):
  --name NAME                    the configuration's name            ${VARIABLES.name}
  --corgea-url URL               default ${DEFAULT_CORGEA_URL}       ${VARIABLES['corgea-url']}

${ENVIRONMENT_HELP}`,

  refuseCredentials,

  async run(context: CommandContext): Promise<void> {
    const input = readInputs(context, ['name', 'corgea-url']);
    const token = readAdminToken(context);
    const name = parseName(input.value('name'), input.source('name'));
    const client = connect(context, input, token);
    context.log.info(
      `Deregistering the JWT-auth configuration "${name}" ` +
        `at ${client.base.host}${client.base.pathname}.`,
    );

    const outcome = await deregisterJwtAuthConfig(client, name);
    context.stdout(
      reportLine(
        outcome.action === 'deleted'
          ? `deleted JWT-auth configuration "${name}" (id ${outcome.ids.join(', ')})`
          : `already absent: JWT-auth configuration "${name}"`,
        token,
      ),
    );
  },
};

/**
 * The one line a command prints on stdout, which quotes ids Corgea chose: one line, control
 * characters inert, the admin credential blanked (stdout, unlike stderr, is not redacted for us,
 * and Terraform copies it into its own log).
 */
function reportLine(line: string, token: Secret): string {
  return `${redact(oneLine(line), [token.reveal()])}\n`;
}

interface Inputs {
  value(flag: Flag): string;
  /** The flag or variable the value came from, for messages. */
  source(flag: Flag): string;
}

/** Refuses a credential on the command line: any flag whose name ends in `token`. */
function refuseCredentials(args: readonly string[]): void {
  const credentialFlag = args.find((arg) => /^--[\w-]*token(=|$)/i.test(arg));
  if (credentialFlag !== undefined) {
    throw new InputError(
      credentialFlag.replace(/=.*$/s, ''),
      'a credential on the command line is visible to every process on the machine and lands in ' +
        'shell history and Terraform logs.',
      `put the Corgea credential in the environment variable ${ADMIN_TOKEN_VARIABLE}.`,
    );
  }
}

/** Reads the flags, each falling back to its variable. */
function readInputs(context: CommandContext, flags: readonly Flag[]): Inputs {
  const list: Flag = 'allowed-application-ids';
  const read = readFlags(context.args, {
    values: flags.filter((flag) => flag !== list),
    lists: flags.filter((flag) => flag === list),
  });
  return {
    value: (flag) => read(flag).trim() || (context.env[VARIABLES[flag]] ?? '').trim(),
    source: (flag) => {
      if (read(flag).trim()) return `--${flag}`;
      if ((context.env[VARIABLES[flag]] ?? '').trim()) return VARIABLES[flag];
      return `--${flag} (or ${VARIABLES[flag]})`;
    },
  };
}

/** Where the application IDs came from: the fix for a malformed list depends on it. */
function listSource(input: Inputs): ApplicationIdSource {
  const name = input.source('allowed-application-ids');
  return name === VARIABLES['allowed-application-ids']
    ? { kind: 'variable', name }
    : { kind: 'flag', name };
}

/**
 * The admin credential from the environment, registered for redaction before any input is read:
 * a value pasted into the wrong variable must not reach a message either.
 */
function readAdminToken(context: CommandContext): Secret {
  // Surrounding white space is what a token read from a file or a secret store picks up.
  const token = (context.env[ADMIN_TOKEN_VARIABLE] ?? '').trim();
  if (!token) {
    throw new InputError(
      ADMIN_TOKEN_VARIABLE,
      `the environment variable ${ADMIN_TOKEN_VARIABLE} is empty or not set; it holds the Corgea ` +
        'credential that manages JWT-auth configurations.',
      `set ${ADMIN_TOKEN_VARIABLE} to an API token of a Corgea user allowed to manage ` +
        'integrations, in the environment of the process that runs this command ' +
        '(for cdktf deploy: the shell or CI job that runs Terraform).',
    );
  }
  context.protect(token);
  return new Secret(token);
}

/** The client for the Corgea URL and path given. */
function connect(context: CommandContext, input: Inputs, token: Secret): JwtAuthConfigClient {
  const corgeaUrl = parseServiceUrl(
    input.source('corgea-url'),
    input.value('corgea-url') || DEFAULT_CORGEA_URL,
  );
  const base = jwtAuthConfigsUrl(corgeaUrl, context.env[PATH_VARIABLE], PATH_VARIABLE);

  const request: RequestContext = {
    transport: nodeTransport({ env: context.env, userAgent: 'corgea-idp-auth' }),
    clock: systemClock,
    attempts: DEFAULT_ATTEMPTS,
    timeoutMs: DEFAULT_TIMEOUT_SECONDS * 1000,
    debug: (message) => context.log.debug(message),
  };
  return new JwtAuthConfigClient(base, token, request);
}
