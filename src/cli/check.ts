import { checkClaims } from '../claims/check-claims.js';
import { InputError } from '../errors.js';
import { requestContext } from '../fetch-token.js';
import { resolveProfile } from '../profiles/profile.js';
import { parseCheckSettings } from '../settings.js';
import { nodeTransport } from '../http/transport.js';
import { PROFILE_FLAGS, readFlags, shownVariable, variableName } from './flags.js';
import type { Command, CommandContext } from './main.js';

/** The action's inputs that describe the issuer and the expected configuration. */
const CHECK_FLAGS = PROFILE_FLAGS;

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
  --token-url URL, --client-auth M  taken, so that a token command line can be reused; check
                                    asks for no token, and finds the keys from the issuer
  --attempts N                      tries for a transient failure, 1 to 10 (default 4)
  --timeout-seconds N               limit for one attempt (default 15)
  --expected-issuer URL             the issuer in Corgea (default: derived)
  --expected-audience AUD           the audience in Corgea (default: derived)
  --allowed-application-ids ID      an allowed application ID in Corgea (default: --client-id);
                                    repeat the flag, or separate IDs with commas
  --token-env NAME                  variable holding the token (default ${DEFAULT_TOKEN_VARIABLE})
  --token-stdin                     read the token from stdin instead

Example:
  corgea-idp-auth check --tenant-id "$TENANT" --client-id "$CLIENT" \\
    --expected-issuer "https://sts.windows.net/$TENANT/"`,

  refuseCredentials(args) {
    if (args.some((arg) => arg === '--token' || arg.startsWith('--token='))) {
      throw new InputError(
        '--token',
        'a token on the command line is visible to every process on the machine and lands in ' +
          'shell history.',
        `put it in ${DEFAULT_TOKEN_VARIABLE} (or the variable --token-env names), ` +
          'or pipe it with --token-stdin.',
      );
    }
  },

  async run(context: CommandContext): Promise<void> {
    const read = readFlags(context.args, {
      values: [...CHECK_FLAGS, 'token-env'],
      switches: ['token-stdin'],
      lists: ['allowed-application-ids'],
    });
    const settings = parseCheckSettings(read, {
      applicationIds: { kind: 'flag', name: '--allowed-application-ids' },
    });
    const token = await readToken(read, context);
    context.protect(token);

    const requests = requestContext(settings, {
      log: context.log,
      transport: nodeTransport({ env: context.env, userAgent: 'corgea-idp-auth' }),
    });
    const profile = await resolveProfile(settings, requests);
    const result = await checkClaims(token, settings, profile, requests);
    const { expected } = result;
    context.log.info(
      `The token fits the Corgea configuration: issuer "${expected.issuer}", audience ` +
        `${expected.audience === undefined ? '(not checked)' : `"${expected.audience}"`}, ` +
        `${expected.applicationIdClaim} in ` +
        `${expected.allowedApplicationIds.map((id) => `"${id}"`).join(', ')}.`,
    );
  },
};

async function readToken(read: (name: string) => string, context: CommandContext): Promise<string> {
  if (read('token-stdin')) {
    const text = (await context.readStdin()).trim();
    if (!text)
      throw new InputError('--token-stdin', 'stdin was empty.', 'pipe the token into the command.');
    return text;
  }
  const variable = variableName(
    read('token-env'),
    '--token-env',
    DEFAULT_TOKEN_VARIABLE,
    'the access token',
  );
  const value = (context.env[variable] ?? '').trim();
  if (!value) {
    throw new InputError(
      '--token-env',
      `${shownVariable(variable, '--token-env')} is empty or not set.`,
      'set that variable to the access token, name another variable with --token-env, ' +
        'or use --token-stdin.',
    );
  }
  return value;
}
