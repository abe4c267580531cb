/**
 * Runs the committed action bundle the way a GitHub runner does, for end-to-end tests: `node` on
 * the `runs.main` that action.yml names, each input in `INPUT_<NAME>` (upper case, spaces to
 * `_`, dashes kept: `INPUT_CLIENT-ID`), action.yml's defaults for inputs not given, fresh
 * `GITHUB_OUTPUT`, `GITHUB_ENV`, `GITHUB_STEP_SUMMARY` files in a temporary directory, and an
 * environment built from scratch (no inherited proxy variables or runner settings).
 *
 * After the child exits, the file commands are parsed as the runner parses them: `name=value`
 * lines and `name<<DELIMITER` … `DELIMITER` blocks.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { parse } from 'yaml';

/** The repository root, where action.yml lives. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const LOOPBACK_GUARD = path.join(REPO_ROOT, 'test/e2e/loopback-only.cjs');

/** What a run needs from action.yml. */
export interface ActionManifest {
  readonly using: string;
  /** Relative to the action's directory, as written. */
  readonly main: string;
  readonly inputs: Readonly<
    Record<string, { readonly default: string | undefined; readonly required: boolean }>
  >;
  readonly outputs: readonly string[];
}

/** Reads and checks action.yml (or action.yaml) in `actionDir`. */
export async function readActionManifest(actionDir: string = REPO_ROOT): Promise<ActionManifest> {
  const text = await readFile(path.join(actionDir, 'action.yml'), 'utf8').catch(() =>
    readFile(path.join(actionDir, 'action.yaml'), 'utf8'),
  );
  const doc = parse(text) as {
    runs?: { using?: unknown; main?: unknown };
    inputs?: Record<string, { default?: unknown; required?: unknown } | null>;
    outputs?: Record<string, unknown>;
  };
  const { using, main } = doc.runs ?? {};
  if (typeof using !== 'string' || typeof main !== 'string') {
    throw new Error('action.yml: runs.using and runs.main must be strings.');
  }
  const inputs: Record<string, { default: string | undefined; required: boolean }> = {};
  for (const [name, spec] of Object.entries(doc.inputs ?? {})) {
    // The runner reads a default as a string whatever YAML type it has (true → "true").
    const fallback = spec?.default;
    inputs[name] = {
      default: fallback === undefined || fallback === null ? undefined : String(fallback),
      required: spec?.required === true,
    };
  }
  return { using, main, inputs, outputs: Object.keys(doc.outputs ?? {}) };
}

/** The environment variable the runner passes an input in: `client-id` → `INPUT_CLIENT-ID`. */
export function inputVariableName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export interface RunActionOptions {
  /** Inputs by their action.yml names, as a workflow's `with:` gives them. */
  readonly inputs?: Readonly<Record<string, string>>;
  /** Further environment, e.g. proxy variables, `NODE_EXTRA_CA_CERTS`, `RUNNER_DEBUG`. */
  readonly env?: Readonly<Record<string, string>>;
  /** The child is killed after this long; default 20 s. */
  readonly timeoutMs?: number;
  /** Where action.yml is; default the repository root. */
  readonly actionDir?: string;
  /**
   * Preload loopback-only.cjs so that no name but `localhost` resolves: the one deviation from the
   * runner, a safety net against a default that names an outside host. Default true.
   */
  readonly loopbackOnly?: boolean;
}

/** Everything a run left behind, parsed. */
export interface ActionRun {
  /** Null when the child was killed by a signal (see `timedOut`). */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout split into lines, in order, without line ends. */
  readonly stdoutLines: readonly string[];
  /** The `GITHUB_OUTPUT` file parsed: output name → value. */
  readonly outputs: Readonly<Record<string, string>>;
  /** The `GITHUB_ENV` file parsed: variable → value. */
  readonly exported: Readonly<Record<string, string>>;
  /** The `GITHUB_STEP_SUMMARY` file as written. */
  readonly summary: string;
  /** The raw text of the three files, for leak checks. */
  readonly files: { readonly output: string; readonly env: string; readonly summary: string };
  /** The environment the child got (inputs included), for debugging a test. */
  readonly childEnv: Readonly<Record<string, string>>;
}

/** Runs the action once and resolves when the child has exited (or was killed at the timeout). */
export async function runAction(options: RunActionOptions = {}): Promise<ActionRun> {
  const actionDir = options.actionDir ?? REPO_ROOT;
  const manifest = await readActionManifest(actionDir);
  const temp = await mkdtemp(path.join(tmpdir(), 'corgea-e2e-'));
  try {
    const files = {
      output: path.join(temp, 'github_output'),
      env: path.join(temp, 'github_env'),
      summary: path.join(temp, 'step_summary.md'),
      path: path.join(temp, 'github_path'),
      state: path.join(temp, 'github_state'),
    };
    for (const file of Object.values(files)) await writeFile(file, '');
    const workspace = path.join(temp, 'workspace');
    const runnerTemp = path.join(temp, 'runner_temp');
    await mkdir(workspace);
    await mkdir(runnerTemp);

    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: temp,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: files.output,
      GITHUB_ENV: files.env,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_PATH: files.path,
      GITHUB_STATE: files.state,
      RUNNER_TEMP: runnerTemp,
      RUNNER_OS: 'Linux',
    };
    // Every declared input is set, to its default when not given; given but undeclared ones too.
    const given = options.inputs ?? {};
    for (const [name, spec] of Object.entries(manifest.inputs)) {
      env[inputVariableName(name)] = given[name] ?? spec.default ?? '';
    }
    for (const [name, value] of Object.entries(given)) env[inputVariableName(name)] = value;
    if (options.loopbackOnly ?? true)
      env['NODE_OPTIONS'] = `--require ${JSON.stringify(LOOPBACK_GUARD)}`;
    Object.assign(env, options.env ?? {});

    const child = await spawnAndWait(
      process.execPath,
      [path.resolve(actionDir, manifest.main)],
      { cwd: workspace, env },
      options.timeoutMs ?? 20_000,
    );
    const text = {
      output: await readFile(files.output, 'utf8'),
      env: await readFile(files.env, 'utf8'),
      summary: await readFile(files.summary, 'utf8'),
    };
    return {
      ...child,
      stdoutLines: child.stdout
        .split(/\r?\n/)
        .filter((line, i, all) => line !== '' || i < all.length - 1),
      outputs: parseFileCommands(text.output),
      exported: parseFileCommands(text.env),
      summary: text.summary,
      files: text,
      childEnv: env,
    };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/**
 * Parses a `GITHUB_OUTPUT` or `GITHUB_ENV` file as the runner does. A line is `name=value` when
 * its first `=` comes before any `<<`, else `name<<DELIMITER` opening a block that ends at a line
 * equal to the delimiter; the lines between, joined by `\n`, are the value. A later write of the
 * same name wins. Throws, as the runner fails the step, on an empty name or an unclosed block.
 */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      const name = line.slice(0, equals);
      if (!name) throw new Error(`File command line ${i + 1}: empty name.`);
      values[name] = line.slice(equals + 1);
      continue;
    }
    if (heredoc < 0)
      throw new Error(`File command line ${i + 1}: neither name=value nor name<<DELIMITER.`);
    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    if (!name || !delimiter)
      throw new Error(`File command line ${i + 1}: empty name or delimiter.`);
    const end = lines.indexOf(delimiter, i + 1);
    if (end < 0)
      throw new Error(`File command line ${i + 1}: the block of ${name} is never closed.`);
    values[name] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return values;
}

/** A workflow command's message with @actions/core's escaping (`%25`, `%0D`, `%0A`) undone. */
export function unescapeCommandMessage(message: string): string {
  // `%25` last: an escaped `%0A` in the text is `%250A` on the wire.
  return message.replaceAll('%0A', '\n').replaceAll('%0D', '\r').replaceAll('%25', '%');
}

/** The failure the runner shows: the run's first `::error::` message, unescaped; '' if none. */
export function errorMessage(run: ActionRun): string {
  const line = run.stdoutLines.find((l) => l.startsWith('::error::')) ?? '';
  return unescapeCommandMessage(line.slice('::error::'.length));
}

/** What a finished child process gave. */
export interface ChildResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Spawns `command` without a shell, collects its output, and kills it (SIGKILL) when it outlives
 * `timeoutMs`. Resolves when it has exited, whatever the outcome.
 */
export function spawnAndWait(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env: Readonly<Record<string, string>>; stdin?: string },
  timeoutMs: number,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: { ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, timedOut, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}
