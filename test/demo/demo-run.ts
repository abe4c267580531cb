/**
 * Runs the demo's steps in order against a started world: one line per step with what happened
 * and how long it took, the first failing step ends the run with its reason, and a summary closes
 * it once the stand-ins are stopped. Printing stops as soon as the run is interrupted, so that
 * the interrupt's own line is the last one.
 */
import { performance } from 'node:perf_hooks';

import { DemoFailure, type DemoStep, type StepOptions, type StepOutcome } from './demo-steps.js';
import type { DemoWorld } from './demo-world.js';

export interface RunDemoOptions {
  readonly steps: readonly DemoStep[];
  readonly stepOptions?: StepOptions;
  /** Receives each output line, without its line end. */
  readonly write: (line: string) => void;
  /** Whether the run was interrupted: nothing more is written or started then. */
  readonly interrupted?: () => boolean;
  /** Told of each step while it runs, so that an interrupt can wait for it to settle. */
  readonly track?: (running: Promise<unknown>) => void;
}

/**
 * Runs `steps` and closes `world`; resolves with the exit code (0 all passed, 1 one failed), or
 * undefined when interrupted.
 */
export async function runDemo(
  world: DemoWorld,
  options: RunDemoOptions,
): Promise<0 | 1 | undefined> {
  const started = performance.now();
  const interrupted = options.interrupted ?? (() => false);
  const say = (line: string) => {
    if (!interrupted()) options.write(line);
  };
  const total = options.steps.length;
  say(
    `corgea-idp-auth demo on loopback: Entra ID stand-in ${world.entra.authority} (tenant ` +
      `${world.tenantId}, app ${world.clientId}), Corgea stand-in ${world.corgea.url}`,
  );

  let failure: string | undefined;
  for (const [index, step] of options.steps.entries()) {
    const label = `[${index + 1}/${total}]`;
    const begun = performance.now();
    let outcome: StepOutcome;
    try {
      const running = step.run(world, options.stepOptions ?? {});
      options.track?.(running);
      outcome = await running;
    } catch (error) {
      if (interrupted()) return undefined;
      const reason = error instanceof DemoFailure ? error.message : `unexpected ${String(error)}`;
      say(`${label} FAILED ${step.title}: ${reason} (${elapsed(begun)})`);
      failure = `step ${index + 1} (${step.title}) failed`;
      break;
    }
    if (interrupted()) return undefined;
    say(`${label} ${outcome.line} (${elapsed(begun)})`);
    for (const detail of outcome.details ?? []) say(`      > ${detail}`);
  }

  await world.close();
  if (interrupted()) return undefined;
  const closed = `stand-ins stopped, ports ${world.ports.join(' and ')} closed`;
  if (failure) {
    // The demo runs the committed bundles: after a change in src/ they are what is stale.
    say(
      `summary: the demo FAILED: ${failure}; ${closed}; if you changed src/ or action/, run ` +
        `npm run build first (${elapsed(started)})`,
    );
    return 1;
  }
  say(
    `summary: ${total} of ${total} steps passed: registered, token fetched, claims checked and ` +
      `verified, rotated without a failed run, misconfiguration reported; ${closed} ` +
      `(${elapsed(started)})`,
  );
  return 0;
}

function elapsed(since: number): string {
  return `${Math.round(performance.now() - since)} ms`;
}
