/**
 * `npm run demo`: the whole flow on loopback, with the Entra ID and Corgea stand-ins started and
 * stopped here. One line per step with what happened and how long it took, then a summary; exit 0
 * when every step passed, 1 with the reason when one failed. SIGINT and SIGTERM stop the action
 * or command line child, close both stand-ins, and exit 130 or 143.
 */
import { performance } from 'node:perf_hooks';

import { bundleChildren, stopChildren } from './child-processes.js';
import { demoSecrets, demoSeed } from './demo-secrets.js';
import {
  ACTION_BUNDLE,
  CLI_BUNDLE,
  DEMO_STEPS,
  DemoFailure,
  type StepOutcome,
} from './demo-steps.js';
import { startDemoWorld, type DemoWorld } from './demo-world.js';

/** Holds the token answer of step 2 this many milliseconds; the demo's test interrupts it there. */
const TOKEN_DELAY_VARIABLE = 'CORGEA_DEMO_TOKEN_DELAY_MS';

const SIGNAL_EXIT_CODES: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

let interrupted = false;
let worldStarting: Promise<DemoWorld> | undefined;
let running: Promise<unknown> | undefined;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void interrupt(signal));
}
await main();

async function main(): Promise<void> {
  const started = performance.now();
  const total = DEMO_STEPS.length;
  const say = (line: string) => {
    if (!interrupted) process.stdout.write(`${line}\n`);
  };

  worldStarting = startDemoWorld(demoSecrets(demoSeed(process.env)));
  const world = await worldStarting;
  say(
    `corgea-idp-auth demo on loopback: Entra ID stand-in ${world.entra.authority} (tenant ` +
      `${world.tenantId}, app ${world.clientId}), Corgea stand-in ${world.corgea.url}`,
  );

  const tokenDelayMs = Number(process.env[TOKEN_DELAY_VARIABLE] ?? '') || 0;
  let failure: string | undefined;
  for (const [index, step] of DEMO_STEPS.entries()) {
    const label = `[${index + 1}/${total}]`;
    const begun = performance.now();
    let outcome: StepOutcome;
    try {
      running = step.run(world, { tokenDelayMs });
      outcome = (await running) as StepOutcome;
    } catch (error) {
      if (interrupted) return;
      const reason = error instanceof DemoFailure ? error.message : `unexpected ${String(error)}`;
      say(`${label} FAILED ${step.title}: ${reason} (${elapsed(begun)})`);
      failure = `step ${index + 1} (${step.title}) failed: ${reason}`;
      break;
    }
    if (interrupted) return;
    say(`${label} ${outcome.line} (${elapsed(begun)})`);
    for (const detail of outcome.details ?? []) say(`      > ${detail}`);
  }

  await world.close();
  if (interrupted) return;
  const closed = `stand-ins stopped, ports ${world.ports.join(' and ')} closed`;
  if (failure) {
    say(`summary: the demo FAILED: ${failure}; ${closed} (${elapsed(started)})`);
    process.exitCode = 1;
    return;
  }
  say(
    `summary: ${total} of ${total} steps passed: registered, token fetched, claims checked and ` +
      `verified, rotated without a failed run, misconfiguration reported; ${closed} ` +
      `(${elapsed(started)})`,
  );
  process.exitCode = 0;
}

/** Stops the children first (they hold connections to the stand-ins), then the stand-ins. */
async function interrupt(signal: 'SIGINT' | 'SIGTERM'): Promise<void> {
  interrupted = true;
  const code = SIGNAL_EXIT_CODES[signal] ?? 1;
  // Exit even if something below hangs: an interrupted demo must end.
  setTimeout(() => process.exit(code), 5000).unref();

  const bundles = [ACTION_BUNDLE, CLI_BUNDLE];
  const stopped = await stopChildren(bundleChildren(bundles));
  const world = await worldStarting?.catch(() => undefined);
  await world?.close();
  // The harness removes its temporary runner files once its child has exited. A step caught
  // between two runs may still start a child: that one is stopped after the wait.
  await Promise.race([running?.catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
  stopped.push(...(await stopChildren(bundleChildren(bundles))));

  const children =
    stopped.length === 0
      ? 'no child process running'
      : `stopped child process ${stopped.join(', ')}`;
  const ports = world
    ? `stand-ins stopped, ports ${world.ports.join(' and ')} closed`
    : 'no stand-in started';
  process.stdout.write(`interrupted by ${signal}: ${children}; ${ports}\n`);
  process.exit(code);
}

function elapsed(since: number): string {
  return `${Math.round(performance.now() - since)} ms`;
}
