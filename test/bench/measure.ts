// Shared measuring for the benchmark: commands run interleaved, side by side in one run, so
// that the machine's noise falls on both sides of every ratio alike.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PEAK_PRELOAD = fileURLToPath(new URL('./peak-rss.cjs', import.meta.url));

/** Runs `argv` once; resolves with wall time in ms, exit code and the child's peak RSS in bytes. */
export interface RunResult {
  ms: number;
  code: number | null;
  peakRss: number | undefined;
}

export function runOnce(
  argv: string[],
  {
    env = {},
    measureMemory = false,
  }: { env?: Record<string, string>; measureMemory?: boolean } = {},
): Promise<RunResult> {
  const rssFile = join(tmpdir(), `bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const childEnv: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? '/tmp',
    ...env,
  };
  if (measureMemory) {
    childEnv.NODE_OPTIONS = `--require ${PEAK_PRELOAD}`;
    childEnv.BENCH_RSS_FILE = rssFile;
  }
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0] as string, argv.slice(1), {
      env: childEnv,
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      let peakRss: number | undefined;
      if (measureMemory) {
        peakRss = Number(readFileSync(rssFile, 'utf8'));
        rmSync(rssFile, { force: true });
      }
      resolve({ ms, code, peakRss });
    });
  });
}

/** Runs each named sequence of commands `rounds` times, interleaved, after `warmup` rounds. */
export async function compare<K extends string>(
  cases: Record<K, () => Promise<number>>,
  { rounds = 25, warmup = 3 } = {},
): Promise<Record<K, number>> {
  const times = Object.fromEntries(
    Object.keys(cases).map((name) => [name, [] as number[]]),
  ) as Record<K, number[]>;
  for (let round = 0; round < warmup + rounds; round++) {
    for (const [name, run] of Object.entries(cases) as [K, () => Promise<number>][]) {
      const ms = await run();
      if (round >= warmup) times[name].push(ms);
    }
  }
  return Object.fromEntries(
    (Object.entries(times) as [K, number[]][]).map(([name, list]) => [name, median(list)]),
  ) as Record<K, number>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const at = (i: number) => sorted[i] as number;
  return sorted.length % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}

/** Prints one line: what, the two medians, the ratio and the target, and whether it is met. */
export function report(label: string, ours: number, baseline: number, target: number): boolean {
  const ratio = ours / baseline;
  const verdict = ratio <= target ? 'meets' : 'MISSES';
  console.log(
    `${label.padEnd(44)} ${ours.toFixed(1).padStart(7)} ms ` +
      `vs ${baseline.toFixed(1).padStart(7)} ms` +
      `  ratio ${ratio.toFixed(2)}  target <= ${target}  ${verdict}`,
  );
  return ratio <= target;
}
