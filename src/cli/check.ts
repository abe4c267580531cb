import { checkClaims } from '../claims/check-claims.js';
import { InputError } from '../errors.js';
import { requestContext } from '../fetch-token.js';
import { resolveProfile } from '../profiles/profile.js';
import { parseCheckSettings } from '../settings.js';
import { readFlags } from './flags.js';
import type { Command, CommandContext } from './main.js';

/** The action's inputs that describe the issuer and the expected configuration. */
const CHECK_FLAGS = [
  'provider',
  'tenant-id',
  'authority-host',
  'issuer',
  'token-url',
  'client-id',
  'client-auth',
  'scope',
  'resource',
  'attempts',
  'timeout-seconds',
  'expected-issuer',
  'expected-audience',
  'allowed-application-ids',
] as const;

/** The variable the token is read from unless `--token-env` names another. */
export const DEFAULT_TOKEN_VARIABLE = 'CORGEA_TOKEN';

export const checkCommand: Command = {
  summary: 'check a token the way Corgea will: signature, issuer, audience, calling app, lifetime',
  usage: `Usage: corgea-idp-auth check --client-id ID [options]

Checks an access token as Corgea does: its signature against the keys the issuer publishes,
then iss, aud, the calling-app claim, exp and nbf against the Corgea JWT-auth configuration.
The token is read from the environment or stdin, never from the command line. Exits 0 when the
token fits, 7 when a claim differs (the same codes as the GitHub Action).

Options (the same names as the GitHub Action's inputs):
  --provider entra|okta|oidc        identity provider (default entra)
  --tenant-id ID                    Entra tenant GUID or domain (entra)
  --authority-host URL              Entra cloud (default https://login.microsoftonline.com)
  --issuer URL                      issuer as tokens carry it (okta, oidc)
  --client-id ID                    the calling app's client ID (required)
  --scope SCOPE                     the scope the token was asked for (entra: derives aud)
  --resource URI                    the resource the token was asked for (oidc: derives aud)
  --expected-issuer URL             the issuer in Corgea (default: derived)
  --expected-audience AUD           the audience in Corgea (default: derived)
  --allowed-application-ids ID      an allowed application ID in Corgea; repeat for several
  --token-env NAME                  variable holding the token (default ${DEFAULT_TOKEN_VARIABLE})
  --token-stdin                     read the token from stdin instead

Example:
  corgea-idp-auth check --tenant-id "$TENANT" --client-id "$CLIENT" \\
    --expected-issuer "https://sts.windows.net/$TENANT/"`,

  async run(context: CommandContext): Promise<void> {
    if (context.args.some((arg) => arg === '--token' || arg.startsWith('--token='))) {
      throw new InputError(
        '--token',
        'a token on the command line is visible to every process on the machine and lands in ' +
          'shell history.',
        `put it in ${DEFAULT_TOKEN_VARIABLE} (or the variable --token-env names), or pipe it with --token-stdin.`,
      );
    }
    // Corgea's form takes one ID per line; on a command line the flag is repeated instead.
    const { ids, rest } = takeRepeated(context.args, '--allowed-application-ids');
    const read = readFlags(rest, [...CHECK_FLAGS, 'token-env'], ['token-stdin']);
    const settings = parseCheckSettings((name) =>
      name === 'allowed-application-ids' ? ids.join('\n') : read(name),
    );
    const token = await readToken(read, context);
    context.protect(token);

    const requests = requestContext(settings, { log: context.log });
    const profile = await resolveProfile(settings, requests);
    const result = await checkClaims(token, settings, profile, requests);
    const { expected } = result;
    context.log.info(
      `The token fits the Corgea configuration: issuer "${expected.issuer}", audience ` +
        `${expected.audience === undefined ? '(not checked)' : `"${expected.audience}"`}, ` +
        `${expected.applicationIdClaim} in ${expected.allowedApplicationIds.map((id) => `"${id}"`).join(', ')}.`,
    );
  },
};

/** Removes every `--name value` and `--name=value` from `args` and returns the values. */
function takeRepeated(args: readonly string[], name: string): { ids: string[]; rest: string[] } {
  const ids: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === name && i + 1 < args.length) ids.push(args[++i] ?? '');
    else if (arg.startsWith(`${name}=`)) ids.push(arg.slice(name.length + 1));
    else rest.push(arg);
  }
  return { ids, rest };
}

async function readToken(read: (name: string) => string, context: CommandContext): Promise<string> {
  if (read('token-stdin')) {
    const text = (await context.readStdin()).trim();
    if (!text)
      throw new InputError('--token-stdin', 'stdin was empty.', 'pipe the token into the command.');
    return text;
  }
  const variable = read('token-env') || DEFAULT_TOKEN_VARIABLE;
  const value = (context.env[variable] ?? '').trim();
  if (!value) {
    throw new InputError(
      '--token-env',
      `the environment variable ${variable} is empty or not set.`,
      `set ${variable} to the access token, name another variable with --token-env, or use --token-stdin.`,
    );
  }
  return value;
}
