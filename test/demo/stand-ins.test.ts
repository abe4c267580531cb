/**
 * `npm run stand-ins` as a user runs it: the command package.json defines, in a child process.
 * The printed `export` lines and the two printed commands are pasted into `sh` as written, and
 * must succeed against the running stand-ins; SIGINT and SIGTERM end it with 130 and 143, the end
 * of its lifetime with 0, and each time its ports refuse connections and its runner files are gone.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { REPO_ROOT } from '../e2e/runner.js';
import { connectOutcome } from '../support/ports.js';

const LAST_LINE = /^# Running until Ctrl-C, or for .* at most\.$/;

interface StandInsProcess {
  readonly child: ChildProcessWithoutNullStreams;
  lines(): string[];
  stderr(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: StandInsProcess[] = [];

afterEach(() => {
  for (const run of started.splice(0)) {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  }
});

/** The `stand-ins` script of package.json, with `node` as the node running this test. */
async function standInsCommand(): Promise<string[]> {
  const manifest = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const [program, ...args] = (manifest.scripts['stand-ins'] ?? '').split(' ');
  expect(program).toBe('node');
  return args;
}

async function startStandIns(env: Record<string, string> = {}): Promise<StandInsProcess> {
  const child = spawn(process.execPath, await standInsCommand(), {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const run = { child, lines: () => stdout.split('\n'), stderr: () => stderr, exited };
  started.push(run);
  return run;
}

/** Waits for the instructions' last line; fails with what was printed if the program ends first. */
async function instructions(run: StandInsProcess): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  while (!run.lines().some((line) => LAST_LINE.test(line))) {
    if (run.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`No instructions; printed: ${run.lines().join('\n')}${run.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return run.lines();
}

/** Runs `script` with `sh` from the repository's folder, with PATH as the only variable given. */
function sh(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'sh',
      ['-c', script],
      { cwd: REPO_ROOT, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, timeout: 20_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The two stand-ins' ports, from the first line (`… stand-in http://127.0.0.1:PORT …`). */
function portsOf(line: string | undefined): number[] {
  return [...(line ?? '').matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
}

function runnerDirOf(exports: readonly string[]): string {
  const line = exports.find((l) => l.startsWith('export GITHUB_OUTPUT=')) ?? '';
  return path.dirname(/GITHUB_OUTPUT=(\S+)/.exec(line)?.[1] ?? '');
}

test(
  'the printed token and action commands succeed against the ' +
    'stand-ins as pasted, and SIGINT closes both and exits 130',
  async () => {
    const run = await startStandIns();
    const lines = await instructions(run);
    const exports = lines.filter((line) => line.startsWith('export '));
    const token = lines.filter((line) => line.startsWith('node bin/corgea-idp-auth.cjs token '));
    const action = lines.filter((line) => line.startsWith('env "INPUT_'));
    expect({ exports: exports.length, token: token.length, action: action.length }).toEqual({
      exports: 11,
      token: 1,
      action: 1,
    });
    expect(lines).toContain(
      "# and the admin token are the stand-ins' own, generated for this run; " +
        'they are valid nowhere',
    );
    expect(lines[1]).toContain('created JWT-auth configuration "corgea-demo-scans"');
    // The README shows the two commands as printed, so that they cannot drift apart.
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`\n${token[0]}\n${action[0]}\n`);

    const fetched = await sh([...exports, token[0]!].join('\n'));
    expect({ code: fetched.code, stderr: fetched.stderr }).toEqual({
      code: 0,
      stderr: expect.stringContaining('accepts the token'),
    });
    expect(fetched.stdout).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+\n?$/);

    const ran = await sh([...exports, action[0]!, 'cat "$GITHUB_ENV"'].join('\n'));
    expect({ code: ran.code, stderr: ran.stderr }).toEqual({ code: 0, stderr: '' });
    expect(ran.stdout).toContain('accepts the token');
    expect(ran.stdout).toMatch(/^CORGEA_TOKEN<<(\S+)\neyJ[\w-]+\.eyJ[\w-]+\.[\w-]+\n\1$/m);

    const registered = await sh([...exports, 'node bin/corgea-idp-auth.cjs register'].join('\n'));
    expect({ code: registered.code, stdout: registered.stdout }).toEqual({
      code: 0,
      stdout: expect.stringMatching(/^unchanged JWT-auth configuration "corgea-demo-scans"/),
    });

    const ports = portsOf(lines[0]);
    expect(ports).toHaveLength(2);
    const runnerDir = runnerDirOf(exports);
    expect(existsSync(runnerDir)).toBe(true);

    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code).toBe(130);
    expect(run.lines().filter(Boolean).at(-1)).toBe(
      `SIGINT received: stand-ins stopped, ports ${ports.join(' and ')} closed`,
    );
    expect(await Promise.all(ports.map(connectOutcome))).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
    expect(existsSync(runnerDir)).toBe(false);
  },
  60_000,
);

test('SIGTERM closes both stand-ins and exits 143', async () => {
  const run = await startStandIns();
  const lines = await instructions(run);
  const ports = portsOf(lines[0]);
  expect(ports).toHaveLength(2);

  run.child.kill('SIGTERM');
  const { code } = await run.exited;
  expect(code).toBe(143);
  expect(await Promise.all(ports.map(connectOutcome))).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
}, 30_000);

test('at the end of its lifetime it closes both stand-ins and exits 0 by itself', async () => {
  const run = await startStandIns({ CORGEA_STAND_INS_LIFETIME_MS: '300' });
  const { code } = await run.exited;
  const lines = run.lines().filter(Boolean);
  const ports = portsOf(lines[0]);
  expect(ports).toHaveLength(2);
  expect({ code, last: lines.at(-1) }).toEqual({
    code: 0,
    last: `stopped after 300 ms: stand-ins stopped, ports ${ports.join(' and ')} closed`,
  });
  expect(await Promise.all(ports.map(connectOutcome))).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
  expect(existsSync(runnerDirOf(lines.filter((line) => line.startsWith('export '))))).toBe(false);
}, 30_000);
