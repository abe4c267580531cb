import { CorgeaAuthError, InputError, NetworkError } from '../errors.js';
import type { Logger } from '../log.js';
import { redact } from '../secret.js';

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
  const log: Logger = {
    info: (message) => err(message),
    warning: (message) => err(`warning: ${message}`),
    debug: (message) => (debugOn ? err(`debug: ${message}`) : undefined),
  };

  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    err(await usage());
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    err(`Unknown command "${name}".\n\n${await usage()}`);
    return 2;
  }

  const command = await load();
  if (args.includes('--help') || args.includes('-h')) {
    err(command.usage);
    return 0;
  }
  try {
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
    if (error instanceof CorgeaAuthError) {
      err(`error: ${error.message}`);
      if (error instanceof NetworkError) {
        // Loaded only after a failure below HTTP: a healthy run never pays for it. The
        // environment is the process's, as the transport's was.
        const { diagnoseFailure } = await import('../diagnose/diagnose-failure.js');
        const diagnosis = await diagnoseFailure(error).catch(() => undefined);
        if (diagnosis) err(diagnosis);
      }
      if (error instanceof InputError && error.input.startsWith('--')) err(`\n${command.usage}`);
      return error.exitCode;
    }
    err(`error: Unexpected failure: ${error instanceof Error ? error.message : String(error)}`);
    if (debugOn && error instanceof Error && error.stack) err(error.stack);
    return 1;
  }
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
