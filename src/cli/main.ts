import { CorgeaAuthError, InputError, NetworkError } from '../errors.js';
import { proxyPasswords } from '../http/proxy-credentials.js';
import type { Logger } from '../log.js';
import { oneLine } from '../one-line.js';
import { MAX_MESSAGE_LENGTH, redact } from '../secret.js';
import { closest } from './did-you-mean.js';
import { ARGUMENTS_INPUT } from './flags.js';

/** What a subcommand gets: its own arguments, the environment, and where to write. */
export interface CommandContext {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The command's result (a token, JSON): nothing else is written to stdout. */
  readonly stdout: (text: string) => void;
  readonly log: Logger;
  /** Registers a value that must never be printed; the command line has no runner to mask it. */
  readonly protect: (value: string) => void;
  readonly readStdin: () => Promise<string>;
}

export interface Command {
  readonly summary: string;
  readonly usage: string;
  /**
   * Throws when the arguments carry a credential (`--client-secret`, `--token`): checked before
   * `--help` is honoured, so that no way of calling the command accepts one quietly.
   */
  refuseCredentials?(args: readonly string[]): void;
  run(context: CommandContext): Promise<void>;
}

/** The subcommands, each in its own file, loaded only when called. */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  token: async () => (await import('./token.js')).tokenCommand,
  check: async () => (await import('./check.js')).checkCommand,
  register: async () => (await import('./register.js')).registerCommand,
  deregister: async () => (await import('./register.js')).deregisterCommand,
};

export interface MainOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  readonly readStdin?: () => Promise<string>;
}

/**
 * Runs the command line and resolves with its exit status: 0 on success, the error's
 * `exitCode` (the same table the action uses) on a known failure, 1 on an unforeseen one.
 * Every line written to stderr passes through redaction of the secrets seen so far.
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const secrets = new Set<string>();
  const writeErr = options.stderr ?? ((text: string) => process.stderr.write(text));
  const err = (text: string) => writeErr(`${redact(text, secrets)}\n`);
  const debugOn = env['CORGEA_AUTH_DEBUG'] === '1' || env['RUNNER_DEBUG'] === '1';
  // Progress lines can quote what a server sent (a claim, a host name): one line each, inert.
  const log: Logger = {
    info: (message) => err(oneLine(message)),
    warning: (message) => err(`warning: ${oneLine(message)}`),
    debug: (message) => (debugOn ? err(`debug: ${oneLine(message)}`) : undefined),
  };

  // Before anything else runs: a proxy password that a server echoes must not reach stderr.
  for (const password of proxyPasswords(env)) secrets.add(password);

  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    err(await usage());
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    err(unknownCommand(name));
    return 2;
  }

  const command = await load();
  try {
    command.refuseCredentials?.(args);
    if (args.includes('--help') || args.includes('-h')) {
      err(command.usage);
      return 0;
    }
    await command.run({
      args,
      env,
      stdout: options.stdout ?? ((text) => process.stdout.write(text)),
      log,
      protect: (value) => secrets.add(value),
      readStdin: options.readStdin ?? readProcessStdin,
    });
    return 0;
  } catch (error) {
    return fail(error);
  }

  async function fail(error: unknown): Promise<number> {
    if (error instanceof CorgeaAuthError) {
      err(redact(`error: ${error.message}`, secrets, { maxLength: MAX_MESSAGE_LENGTH }));
      if (error instanceof NetworkError) {
        // Loaded only after a failure below HTTP: a healthy run never pays for it. The
        // environment is the process's, as the transport's was.
        const { diagnoseFailure } = await import('../diagnose/diagnose-failure.js');
        const diagnosis = await diagnoseFailure(error).catch(() => undefined);
        if (diagnosis) err(diagnosis);
      }
      const aboutArguments = error instanceof InputError && isArgumentInput(error.input);
      // A pointer, not the whole usage: in a CI log the error line should stay the last one.
      if (aboutArguments) err(`Run corgea-idp-auth ${name} --help for its options.`);
      return error.exitCode;
    }
    const text = error instanceof Error ? error.message : String(error);
    err(
      redact(`error: Unexpected failure: ${oneLine(text)}`, secrets, {
        maxLength: MAX_MESSAGE_LENGTH,
      }),
    );
    if (debugOn && error instanceof Error && error.stack) err(error.stack);
    return 1;
  }
}

/** Whether an input error is about the command line's own arguments, so the options help. */
function isArgumentInput(input: string): boolean {
  return input.startsWith('--') || input === ARGUMENTS_INPUT;
}

/**
 * The message for a command that does not exist, with a guess when one is close. The word is
 * echoed only when it looks like a command name: anything else may be a value pasted first.
 */
function unknownCommand(name: string): string {
  const names = Object.keys(COMMANDS);
  // Letters and dashes only: a short password pasted first would have digits or symbols.
  const shown = /^-{0,2}[A-Za-z][A-Za-z-]{0,19}$/.test(name);
  const meant = shown ? closest(name, names) : undefined;
  const problem = shown
    ? `Unknown command "${name}".`
    : 'Unknown command; it is not shown, since it does not look like a command name.';
  const commands = names.join(', ');
  const fix = meant
    ? `did you mean ${meant}? The commands are ${commands}.`
    : `use one of the commands ${commands}; corgea-idp-auth --help says what each does.`;
  return `error: ${problem}\nFix: ${fix}`;
}

async function usage(): Promise<string> {
  const lines = ['Usage: corgea-idp-auth <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) {
    lines.push(`  ${name.padEnd(12)} ${(await load()).summary}`);
  }
  lines.push('', 'Run corgea-idp-auth <command> --help for its options.');
  return lines.join('\n');
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
