/**
 * `npm run demo` as a user runs it: the command package.json defines, in a child process. Checks
 * its five step lines, the summary and exit code 0, that none of its secrets or tokens shows in
 * its output, that its ports refuse connections once it has ended, and that SIGINT or SIGTERM in
 * the middle of a step stops the action child and the stand-ins and exits 130 or 143.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { REPO_ROOT } from '../e2e/runner.js';
import { findLeaks } from '../support/leaks.js';
import { connectOutcome } from '../support/ports.js';
import { bundleChildren, isAlive } from './child-processes.js';
import { DEMO_SEED_VARIABLE, demoSecrets } from './demo-secrets.js';
import { ACTION_BUNDLE } from './demo-steps.js';

const SEED = 'seed-of-the-demo-test';

interface DemoProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: string[];
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: DemoProcess[] = [];

afterEach(() => {
  for (const demo of started.splice(0)) {
    if (demo.child.exitCode === null && demo.child.signalCode === null) demo.child.kill('SIGKILL');
  }
});

/** The `demo` script of package.json, with `node` as the node running this test. */
async function demoCommand(): Promise<{ command: string; args: string[] }> {
  const manifest = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const [program, ...args] = (manifest.scripts['demo'] ?? '').split(' ');
  expect(program).toBe('node');
  return { command: process.execPath, args };
}

async function startDemo(env: Record<string, string> = {}): Promise<DemoProcess> {
  const { command, args } = await demoCommand();
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', [DEMO_SEED_VARIABLE]: SEED, ...env },
  });
  let stdout = '';
  let stderr = '';
  const lines: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    lines.splice(0, lines.length, ...stdout.split('\n').filter(Boolean));
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const demo = { child, lines, stdout: () => stdout, stderr: () => stderr, exited };
  started.push(demo);
  return demo;
}

/** Polls `condition` every 25 ms until it holds; fails with `what` after `timeoutMs`. */
async function waitFor<T>(what: string, condition: () => T | undefined, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The stand-ins' ports, from the first line (`… stand-in http://127.0.0.1:PORT …`). */
function portsOf(line: string | undefined): number[] {
  return [...(line ?? '').matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
}

function expectNoSecretOrToken(demo: DemoProcess): void {
  const { firstClientSecret, secondClientSecret, adminToken } = demoSecrets(SEED);
  const places = { stdout: demo.stdout(), stderr: demo.stderr() };
  expect(
    findLeaks(places, {
      'first client secret': firstClientSecret,
      'second client secret': secondClientSecret,
      'admin token': adminToken,
    }),
  ).toEqual([]);
  // The tokens are signed by the stand-in's fresh key: looked for by their shape.
  expect(places.stdout + places.stderr).not.toMatch(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}/);
}

test(
  'the demo prints five passing steps with timings and a summary, exits 0, leaks nothing and ' +
    'leaves its ports closed',
  async () => {
    const demo = await startDemo();
    const { code } = await demo.exited;

    expect({ code, stderr: demo.stderr() }).toEqual({ code: 0, stderr: '' });
    const steps = demo.lines.filter((line) => /^\[\d\/5\] /.test(line));
    expect(steps.map((line) => line.slice(0, 5))).toEqual([
      '[1/5]',
      '[2/5]',
      '[3/5]',
      '[4/5]',
      '[5/5]',
    ]);
    for (const line of steps) expect(line).toMatch(/ \(\d+ ms\)$/);
    expect(steps[0]).toContain('created JWT-auth configuration "corgea-demo-scans"');
    expect(steps[1]).toContain('token fetched through the action bundle');
    expect(steps[1]).toContain('Bearer, expires in 3599 s');
    expect(steps[2]).toContain(`verify answered ok: matches configuration "corgea-demo-scans"`);
    expect(steps[3]).toContain('first now fails');
    expect(steps[4]).toContain('expected-audience set to the bare client ID');

    const details = demo.lines.filter((line) => line.startsWith('      > '));
    expect(details).toEqual([
      expect.stringContaining('AADSTS7000222'),
      expect.stringMatching(/^ {6}> Claim aud: found "api:\/\/[\w-]+", expected "[\w-]+"\./),
    ]);
    expect(demo.lines.at(-1)).toMatch(/^summary: 5 of 5 steps passed: .* \(\d+ ms\)$/);
    expectNoSecretOrToken(demo);

    const ports = portsOf(demo.lines[0]);
    expect(ports).toHaveLength(2);
    expect(demo.lines.at(-1)).toContain(`ports ${ports.join(' and ')} closed`);
    expect(await Promise.all(ports.map(connectOutcome))).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
  },
  60_000,
);

test.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)(
  '%s while the action bundle waits for its token stops the child and the stand-ins and exits %i',
  async (signal, exitCode) => {
    // The Entra stand-in holds the token answer of step 2, so that the action is running.
    const demo = await startDemo({ CORGEA_DEMO_TOKEN_DELAY_MS: '20000' });
    const child = await waitFor('the action bundle to run', () =>
      bundleChildren([ACTION_BUNDLE], demo.child.pid).at(0),
    );
    const ports = portsOf(demo.lines[0]);
    expect(ports).toHaveLength(2);

    demo.child.kill(signal);
    const { code } = await demo.exited;

    expect(code).toBe(exitCode);
    expect(demo.lines.some((line) => line.startsWith('[2/5]'))).toBe(false);
    expect(demo.lines.at(-1)).toBe(
      `interrupted by ${signal}: stopped child process ${child.pid}; stand-ins stopped, ports ` +
        `${ports.join(' and ')} closed`,
    );
    expect(isAlive(child.pid)).toBe(false);
    expect(await Promise.all(ports.map(connectOutcome))).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
    expectNoSecretOrToken(demo);
  },
  30_000,
);
