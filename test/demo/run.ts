/**
 * `npm run demo`: the whole flow on loopback, with the Entra ID and Corgea stand-ins started and
 * stopped here (see demo-run.ts for the lines it prints). Exit 0 when every step passed, 1 with
 * the reason when one failed. SIGINT and SIGTERM stop the action or command line child, close
 * both stand-ins, and exit 130 or 143.
 */
import { bundleChildren, stopChildren } from './child-processes.js';
import { runDemo } from './demo-run.js';
import { demoSecrets, demoSeed } from './demo-secrets.js';
import { ACTION_BUNDLE, CLI_BUNDLE, DEMO_STEPS } from './demo-steps.js';
import { startDemoWorld, type DemoWorld } from './demo-world.js';

/** Holds the token answer of step 2 this many milliseconds; the demo's test interrupts it there. */
const TOKEN_DELAY_VARIABLE = 'CORGEA_DEMO_TOKEN_DELAY_MS';

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

let interrupted = false;
let worldStarting: Promise<DemoWorld> | undefined;
let running: Promise<unknown> | undefined;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void interrupt(signal));
}

try {
  worldStarting = startDemoWorld(demoSecrets(demoSeed(process.env)));
  const world = await worldStarting;
  const code = await runDemo(world, {
    steps: DEMO_STEPS,
    stepOptions: { tokenDelayMs: Number(process.env[TOKEN_DELAY_VARIABLE] ?? '') || 0 },
    write: (line) => process.stdout.write(`${line}\n`),
    interrupted: () => interrupted,
    track: (step) => (running = step),
  });
  if (code !== undefined) process.exitCode = code;
} catch (error) {
  if (!interrupted) {
    process.stdout.write(`the demo could not start its stand-ins on 127.0.0.1: ${String(error)}\n`);
    process.exitCode = 1;
  }
}

/** Stops the children first (they hold connections to the stand-ins), then the stand-ins. */
async function interrupt(signal: keyof typeof SIGNAL_EXIT_CODES): Promise<void> {
  interrupted = true;
  const code = SIGNAL_EXIT_CODES[signal];
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
