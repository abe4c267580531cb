// Synthesis of the example app's stack (cdktf/bootstrap-stack.ts) with 1, 10 and 100
// environments, in process as `cdktf synth` runs cdktf/main.ts: a new App, the stack, app.synth()
// into an outdir. Beside it the same Terraform declared directly with the provider classes
// (synth-direct-stack.ts), checked to be identical before anything is timed.
//
// cdktf's validation, on by default, runs `terraform version` once per terraform_data resource
// (two per environment), tens of ms each: the same on both sides and most of the time, which
// would hide the constructs' own cost, so the table is timed without it and the validation is
// timed on its own at 10 environments.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { App } from 'cdktf';

import { CorgeaBootstrapStack } from '../../cdktf/bootstrap-stack.js';
import { compare, report } from './measure.js';
import { DirectBootstrapStack } from './synth-direct-stack.js';
import {
  assertSameTerraform,
  blockCounts,
  describe,
  readSynthesized,
} from './synth-same-terraform.js';

const STACK_ID = 'corgea-bootstrap';
const CONSTRUCT_TARGET = 1.1;
/** Bound, both ways, on the cost of an added environment from 10 to 100 against 1 to 10. */
const LINEARITY_TARGET = 1.5;
/**
 * Rounds per size as a share of `--rounds`: a synth of one environment takes about 10 ms and
 * one of a hundred about 600 ms, so small sizes get more rounds for the same time. With the
 * default 25 rounds the section takes about 35 s on two cores.
 */
const SIZES = [
  { n: 1, share: 4, warmup: 10 },
  { n: 10, share: 1.6, warmup: 3 },
  { n: 100, share: 0.6, warmup: 1 },
] as const;

type Kind = 'constructs' | 'direct';
const KINDS: readonly Kind[] = ['constructs', 'direct'];

function environments(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `env-${i + 1}`);
}

/** Builds the app and synthesizes it into `outdir`; resolves with the wall time in ms. */
async function synthOnce(
  kind: Kind,
  count: number,
  outdir: string,
  validate = false,
): Promise<number> {
  const envs = environments(count);
  const started = process.hrtime.bigint();
  const app = new App({ outdir, skipValidation: !validate });
  if (kind === 'constructs') new CorgeaBootstrapStack(app, STACK_ID, { environments: envs });
  else new DirectBootstrapStack(app, STACK_ID, envs);
  app.synth();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export async function benchSynth({ rounds }: { rounds: number }): Promise<boolean> {
  // The validation's `terraform version` would otherwise ask checkpoint.hashicorp.com for news.
  process.env['CHECKPOINT_DISABLE'] = '1';
  const dir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  const outdir = (kind: Kind, n: number) => join(dir, `${kind}-${n}`);
  let ok = true;
  try {
    for (const { n } of SIZES) {
      for (const kind of KINDS) await synthOnce(kind, n, outdir(kind, n));
      const ours = readSynthesized(outdir('constructs', n), STACK_ID);
      assertSameTerraform(ours, readSynthesized(outdir('direct', n), STACK_ID), `${n} env(s)`);
      if (n === 1)
        console.log(`${'synth, each environment'.padEnd(44)} ${describe(blockCounts(ours))}`);
    }

    const times = new Map<string, number>();
    const at = (kind: Kind, n: number) => times.get(`${kind}-${n}`) as number;
    for (const { n, share, warmup } of SIZES) {
      const sizeRounds = Math.max(3, Math.round(rounds * share));
      const t = await compare(
        {
          constructs: () => synthOnce('constructs', n, outdir('constructs', n)),
          direct: () => synthOnce('direct', n, outdir('direct', n)),
        },
        { rounds: sizeRounds, warmup },
      );
      for (const kind of KINDS) times.set(`${kind}-${n}`, t[kind]);
      const label = `synth ${n} env${n > 1 ? 's' : ''}, ${sizeRounds} rounds: constructs / direct`;
      ok = report(label, t.constructs, t.direct, CONSTRUCT_TARGET) && ok;
    }
    for (const kind of KINDS) {
      const perEnv = SIZES.map(({ n }) => `${n}: ${(at(kind, n) / n).toFixed(1)} ms`).join(', ');
      console.log(`${`synth time per environment, ${kind}`.padEnd(44)} ${perEnv}`);
    }
    ok = linearity(at('constructs', 1), at('constructs', 10), at('constructs', 100)) && ok;

    // What `cdktf synth` adds by default; few rounds, each synth takes a second.
    const validated = await compare(
      {
        constructs: () => synthOnce('constructs', 10, outdir('constructs', 10), true),
        direct: () => synthOnce('direct', 10, outdir('direct', 10), true),
      },
      { rounds: Math.max(3, Math.round(rounds / 8)), warmup: 1 },
    );
    const label = 'synth 10 envs, validation on: constructs / direct';
    ok = report(label, validated.constructs, validated.direct, CONSTRUCT_TARGET) && ok;
    const validation = (validated.constructs - at('constructs', 10)) / 10;
    console.log(
      `${"cdktf's validation (terraform version)".padEnd(44)} ${validation.toFixed(1)} ms per ` +
        `environment (2 terraform_data) on top of ${(at('constructs', 10) / 10).toFixed(1)} ms ` +
        'of synthesis',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return ok;
}

/**
 * Compares the cost of an added environment between 10 and 100 with that between 1 and 10: the
 * fixed cost of an app and a stack cancels out, and growth faster than linear shows as a ratio
 * above 1. A ratio far below 1 would mean the 10-environment time is mostly something else than
 * environments, which is no linear growth either, so the bound holds both ways.
 */
function linearity(t1: number, t10: number, t100: number): boolean {
  const low = (t10 - t1) / 9;
  const high = (t100 - t10) / 90;
  const ratio = high / low;
  const meets = ratio <= LINEARITY_TARGET && ratio >= 1 / LINEARITY_TARGET;
  const bounds = `${(1 / LINEARITY_TARGET).toFixed(2)}..${LINEARITY_TARGET}`;
  console.log(
    `${'added env, 10->100 vs 1->10 (constructs)'.padEnd(44)} ${high.toFixed(1).padStart(7)} ms ` +
      `vs ${low.toFixed(1).padStart(7)} ms  ratio ${ratio.toFixed(2)}  target ${bounds}  ` +
      `${meets ? 'meets' : 'MISSES'}  ` +
      `(time(100) / time(10) = ${(t100 / t10).toFixed(1)}; linear: 10)`,
  );
  return meets;
}
