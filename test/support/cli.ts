/**
 * The command line run in the test's own process, as `bin/corgea-idp-auth` runs it but with the
 * environment, stdin and both output streams in the test's hands.
 */
import { main } from '../../src/cli/main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `main(argv)` with `env` as its whole environment (nothing from the test process) and
 * `stdin` as what `--client-secret-stdin` reads; resolves with the exit status and what it wrote.
 */
export async function runCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
  stdin = '',
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    env,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readStdin: async () => stdin,
  });
  return { code, stdout, stderr };
}
