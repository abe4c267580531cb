/**
 * `npm run stand-ins`: the demo's world (test/demo/demo-world.ts: the Entra ID stand-in and the
 * Corgea stand-in, both stand-ins, on 127.0.0.1) kept running so that a user can try the action
 * bundle and the command line with inputs of their own. The JWT-auth configuration is registered
 * first, through the command line's `register` as in the demo's step 1. It prints `export` lines
 * and two example commands to paste into another terminal, then runs until SIGINT or SIGTERM
 * (exit 130 or 143) or until its lifetime ends (30 minutes, exit 0), and closes both stand-ins
 * and removes its runner files in every case.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { demoSecrets, demoSeed } from './demo-secrets.js';
import { DEMO_STEPS } from './demo-steps.js';
import { startDemoWorld, type DemoWorld } from './demo-world.js';

/** Overrides the lifetime, in milliseconds: lets the test see the program stop by itself. */
const LIFETIME_VARIABLE = 'CORGEA_STAND_INS_LIFETIME_MS';
const DEFAULT_LIFETIME_MS = 30 * 60_000;

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** The runner's file commands, as empty files, for the action run by hand. */
interface RunnerFiles {
  readonly dir: string;
  readonly output: string;
  readonly env: string;
  readonly summary: string;
}

let worldStarting: Promise<DemoWorld> | undefined;
let files: RunnerFiles | undefined;
let stopping = false;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void stop(`${signal} received`, SIGNAL_EXIT_CODES[signal]));
}

try {
  worldStarting = startDemoWorld(demoSecrets(demoSeed(process.env)));
  const world = await worldStarting;
  files = await runnerFiles();
  const register = DEMO_STEPS.find((step) => step.title === 'bootstrap registration');
  if (!register) throw new Error('the demo has no bootstrap registration step');
  const registered = await register.run(world, {});
  if (!stopping) {
    const lifetimeMs = Number(process.env[LIFETIME_VARIABLE] ?? '') || DEFAULT_LIFETIME_MS;
    process.stdout.write(`${instructions(world, files, registered.line, lifetimeMs).join('\n')}\n`);
    setTimeout(() => void stop(`stopped after ${describeLifetime(lifetimeMs)}`, 0), lifetimeMs);
  }
} catch (error) {
  if (!stopping) {
    process.stdout.write(`the stand-ins could not start on 127.0.0.1: ${String(error)}\n`);
    await stop('start failed', 1);
  }
}

/** Closes both stand-ins and removes the runner files, says so, and exits with `code`. */
async function stop(reason: string, code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Exit even if a close hangs: Ctrl-C must end the program.
  setTimeout(() => process.exit(code), 5000).unref();
  const world = await worldStarting?.catch(() => undefined);
  await world?.close();
  if (files) await rm(files.dir, { recursive: true, force: true });
  const ports = world
    ? `stand-ins stopped, ports ${world.ports.join(' and ')} closed`
    : 'no stand-in started';
  process.stdout.write(`${reason}: ${ports}\n`);
  process.exit(code);
}

async function runnerFiles(): Promise<RunnerFiles> {
  const dir = await mkdtemp(path.join(tmpdir(), 'corgea-stand-ins-'));
  const made = {
    dir,
    output: path.join(dir, 'github_output'),
    env: path.join(dir, 'github_env'),
    summary: path.join(dir, 'step_summary.md'),
  };
  for (const file of [made.output, made.env, made.summary]) await writeFile(file, '');
  return made;
}

/**
 * What a user pastes. Every value is the stand-ins' own: the client secret and the admin token
 * are valid nowhere else, which is why they may be printed here and nowhere in the product.
 */
function instructions(
  world: DemoWorld,
  runner: RunnerFiles,
  registered: string,
  lifetimeMs: number,
): string[] {
  const values = world.corgeaValues;
  return [
    `corgea-idp-auth stand-ins on loopback: Entra ID stand-in ${world.entra.authority}, Corgea ` +
      `stand-in ${world.corgea.url}`,
    `[registration] ${registered}`,
    '',
    "# In another terminal, in this repository's folder, paste these lines. The client secret",
    "# and the admin token are the stand-ins' own, generated for this run; they are valid nowhere",
    '# else.',
    `export CORGEA_AUTHORITY_HOST=${world.entra.authority}`,
    `export CORGEA_TENANT_ID=${world.tenantId}`,
    `export CORGEA_CLIENT_ID=${world.clientId}`,
    `export CORGEA_CLIENT_SECRET=${shellWord(world.secrets.firstClientSecret)}`,
    `export CORGEA_URL=${world.corgea.url}`,
    `export CORGEA_ADMIN_TOKEN=${shellWord(world.secrets.adminToken)}`,
    `export CORGEA_CONFIG_NAME=${world.configName}`,
    `export CORGEA_CONFIG_ISSUER=${values.issuer}`,
    `export CORGEA_CONFIG_AUDIENCE=${values.audience}`,
    `export CORGEA_CONFIG_ALLOWED_APPLICATION_IDS=${values.allowedApplicationIds.join(',')}`,
    `export GITHUB_OUTPUT=${runner.output} GITHUB_ENV=${runner.env} ` +
      `GITHUB_STEP_SUMMARY=${runner.summary}`,
    '',
    '# The command line: fetches a token, checks its claims, has Corgea verify it, prints it.',
    'node bin/corgea-idp-auth.cjs token --tenant-id "$CORGEA_TENANT_ID" --authority-host ' +
      '"$CORGEA_AUTHORITY_HOST" --client-id "$CORGEA_CLIENT_ID" --corgea-url "$CORGEA_URL"',
    '',
    '# The action bundle, with its inputs in INPUT_* variables as the runner passes them (the',
    "# runner also fills in action.yml's defaults: export-variable's is given here). The outputs",
    '# land in $GITHUB_OUTPUT, CORGEA_TOKEN in $GITHUB_ENV.',
    'env "INPUT_TENANT-ID=$CORGEA_TENANT_ID" "INPUT_AUTHORITY-HOST=$CORGEA_AUTHORITY_HOST" ' +
      '"INPUT_CLIENT-ID=$CORGEA_CLIENT_ID" "INPUT_CLIENT-SECRET=$CORGEA_CLIENT_SECRET" ' +
      '"INPUT_CORGEA-URL=$CORGEA_URL" INPUT_EXPORT-VARIABLE=CORGEA_TOKEN node ' +
      'action/dist/index.cjs',
    '',
    '# register with the CORGEA_CONFIG_* values above: node bin/corgea-idp-auth.cjs register',
    `# Running until Ctrl-C, or for ${describeLifetime(lifetimeMs)} at most.`,
  ];
}

/** Single-quotes a value for sh when it holds anything beyond the plainly safe characters. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

function describeLifetime(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} minutes` : `${ms} ms`;
}
