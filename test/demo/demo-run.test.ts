/**
 * The demo's run loop in process, for what the full run cannot show: a failing step ends the run
 * with its reason and exit code 1, later steps do not start, and the stand-ins are stopped.
 */
import { connectOutcome } from '../support/ports.js';
import { runDemo } from './demo-run.js';
import { demoSecrets } from './demo-secrets.js';
import { DEMO_STEPS, DemoFailure, type DemoStep } from './demo-steps.js';
import { startDemoWorld as startWorld, type DemoWorld } from './demo-world.js';

const worlds: DemoWorld[] = [];
afterAll(() => Promise.all(worlds.map((world) => world.close())));

async function startDemoWorld(secrets: Parameters<typeof startWorld>[0]): Promise<DemoWorld> {
  const world = await startWorld(secrets);
  worlds.push(world);
  return world;
}

/** Replaces the timings, which vary, so that whole lines can be compared. */
function untimed(lines: readonly string[]): string[] {
  return lines.map((line) => line.replace(/\(\d+ ms\)$/, '(N ms)'));
}

test(
  'a failing step prints its reason, skips the rest, ' +
    'stops the stand-ins and gives exit code 1',
  async () => {
    const world = await startDemoWorld(demoSecrets('seed-of-the-run-test'));
    const lines: string[] = [];
    const started: string[] = [];
    const step = (title: string, run: () => Promise<{ line: string }>): DemoStep => ({
      title,
      run: () => {
        started.push(title);
        return run();
      },
    });

    const code = await runDemo(world, {
      steps: [
        step('first', async () => ({ line: 'did the first thing' })),
        step('second', async () => {
          throw new DemoFailure('the second check found 2, expected 1.');
        }),
        step('third', async () => ({ line: 'never' })),
      ],
      write: (line) => lines.push(line),
    });

    expect(code).toBe(1);
    expect(started).toEqual(['first', 'second']);
    expect(untimed(lines.slice(1))).toEqual([
      '[1/3] did the first thing (N ms)',
      '[2/3] FAILED second: the second check found 2, expected 1. (N ms)',
      `summary: the demo FAILED: step 2 (second) failed; stand-ins stopped, ports ` +
        `${world.ports.join(' and ')} closed; if you changed src/ or action/, run npm run build ` +
        'first (N ms)',
    ]);
    expect(await Promise.all(world.ports.map(connectOutcome))).toEqual([
      'ECONNREFUSED',
      'ECONNREFUSED',
    ]);
  },
);

test(
  'the token step fails with the AADSTS message ' + 'when the app registration has no secret left',
  async () => {
    const secrets = demoSecrets('seed-of-the-run-test');
    const world = await startDemoWorld(secrets);
    world.app.secrets.splice(0);
    const lines: string[] = [];

    const code = await runDemo(world, {
      steps: [DEMO_STEPS[1] as DemoStep],
      write: (line) => lines.push(line),
    });

    expect(code).toBe(1);
    expect(lines[1]).toMatch(
      new RegExp(
        /^\[1\/1\] FAILED token through the action bundle: /.source +
          /the action with check-claims and verify off exited with 1: .*AADSTS7000215/.source,
      ),
    );
    expect(lines.join('\n')).not.toContain(secrets.firstClientSecret);
  },
);
