/**
 * The rotation expressions the construct synthesizes, evaluated by Terraform itself
 * (`terraform console`, which needs no provider and no network), against the same rule
 * evaluated on numbers in src/rotation.ts, which the simulation in rotation.test.ts walks.
 * plantimestamp() is replaced by fixed times, which is all that varies from plan to plan.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { Testing, TerraformStack } from 'cdktf';

import { EntraMachineIdentity } from '../../cdktf/entra-machine-identity.js';
import {
  currentSlot,
  endHour,
  epochDay,
  generation,
  numberArithmetic as ops,
  rotationSchedule,
  slotGeneration,
} from '../../src/rotation.js';
import { requireProgram } from '../support/programs.js';

type Json = Record<string, any>;
const run = promisify(execFile);
const terraformBinary = requireProgram(
  'terraform',
  'any Terraform 1.5 or later; `terraform console` evaluates the expressions offline.',
);

function synth(rotationDays: number, overlapDays: number): Json {
  const stack = new TerraformStack(Testing.app(), 'test');
  new EntraMachineIdentity(stack, 'ci', { displayName: 'ci', rotationDays, overlapDays });
  return JSON.parse(Testing.synth(stack)) as Json;
}

/** Evaluates `expressions` with Terraform, the stack's locals in scope, at plan time `now`. */
async function evaluate(json: Json, now: string, expressions: string[]): Promise<unknown[]> {
  const pinned = (text: string) => text.replaceAll('plantimestamp()', JSON.stringify(now));
  const locals = Object.fromEntries(
    Object.entries(json['locals'] as Record<string, string>).map(([k, v]) => [k, pinned(v)]),
  );
  const dir = await mkdtemp(path.join(tmpdir(), 'tf-expressions-'));
  try {
    await writeFile(path.join(dir, 'main.tf.json'), JSON.stringify({ locals }));
    const unwrap = (value: string) => pinned(value).replace(/^\$\{/, '').replace(/\}$/, '');
    const child = run(terraformBinary, ['console'], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
      timeout: 60_000,
    });
    child.child.stdin!.end(`jsonencode([${expressions.map(unwrap).join(', ')}])\n`);
    const { stdout } = await child;
    return JSON.parse(JSON.parse(stdout.trim()) as string) as unknown[];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const TIMES = [
  '2025-01-01T00:00:00Z',
  '2025-02-28T23:59:59Z',
  '2024-02-29T12:00:00Z',
  '2025-03-01T03:00:00Z',
  '2025-12-31T23:00:00Z',
  '2031-07-04T08:30:00Z',
];

describe.each([
  [30, 7],
  [7, 2],
])(
  'rotationDays %i, overlapDays %i: Terraform computes what the rule says',
  (rotationDays, overlapDays) => {
    const schedule = rotationSchedule({ rotationDays, overlapDays });
    const json = synth(rotationDays, overlapDays);
    const slots = Object.values(json['resource']['azuread_application_password'] as Json) as Json[];
    const secretOutput = (json['output']['ci-client-secret'] as Json)['value'] as string;
    const condition = `\${${secretOutput.slice(2, secretOutput.indexOf(' ? '))}}`;
    const [today, current] = ['today', 'generation'].map(
      (part) => `\${local.${Object.keys(json['locals'] as Json).find((n) => n.includes(part))}}`,
    ) as [string, string];

    test.each(TIMES)('at %s', async (now) => {
      const values = await evaluate(json, now, [
        today,
        current,
        ...slots.map((slot) => slot['rotate_when_changed']['generation'] as string),
        ...slots.map((slot) => slot['end_date'] as string),
        condition,
      ]);

      const date = new Date(now);
      const day = epochDay(ops, {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
      });
      const g = generation(ops, day, schedule);
      const held = [slotGeneration(ops, g, 0), slotGeneration(ops, g, 1)];
      const ends = held.map((h) =>
        new Date(endHour(ops, h, day, schedule) * 3_600_000).toISOString().replace('.000', ''),
      );
      expect(values).toEqual([
        day,
        g,
        String(held[0]),
        String(held[1]),
        ...ends,
        currentSlot(ops, g) === 0,
      ]);
    });
  },
);
