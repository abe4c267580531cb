/**
 * Checks that two synthesized stacks are the same Terraform, so that timing one against the other
 * compares like with like. Logical IDs of resources declared inside constructs end in cdktf's
 * path hash (`staging_application_B3D5F27F`); the same resource declared flat in the stack is
 * named without it (`staging_application`), so the hash is dropped before comparing, wherever the
 * name appears. cdktf's `//` metadata (construct paths, stack traces) is left out too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The stack's cdk.tf.json under an app's outdir, hashes and metadata removed. */
export function readSynthesized(outdir: string, stackId: string): Json {
  const text = readFileSync(join(outdir, 'stacks', stackId, 'cdk.tf.json'), 'utf8');
  return withoutMetadata(JSON.parse(text.replace(/_[0-9A-F]{8}(?![0-9A-Za-z_-])/g, '')) as Json);
}

/** How many blocks of each kind and type: `resource.azuread_application 10`, … */
export function blockCounts(config: Json): Map<string, number> {
  const counts = new Map<string, number>();
  if (!isObject(config)) return counts;
  for (const kind of ['resource', 'data']) {
    const byType = config[kind];
    if (!isObject(byType)) continue;
    for (const [type, blocks] of Object.entries(byType))
      counts.set(`${kind}.${type}`, isObject(blocks) ? Object.keys(blocks).length : 0);
  }
  for (const kind of ['locals', 'output']) {
    const blocks = config[kind];
    if (isObject(blocks)) counts.set(kind, Object.keys(blocks).length);
  }
  return counts;
}

/**
 * Throws, naming the first place where they differ, unless `ours` and `baseline` are the same
 * configuration; a baseline that synthesizes something else would measure nothing.
 */
export function assertSameTerraform(ours: Json, baseline: Json, what: string): void {
  const [oursCounts, baselineCounts] = [blockCounts(ours), blockCounts(baseline)];
  if (!isDeepStrictEqual(oursCounts, baselineCounts)) {
    throw new Error(
      `${what}: the construct stack and the direct stack declare different blocks ` +
        `(construct ${describe(oursCounts)}; direct ${describe(baselineCounts)}); ` +
        'make test/bench/synth-direct-stack.ts declare what the constructs declare.',
    );
  }
  const at = firstDifference(ours, baseline, '');
  if (at !== undefined) {
    throw new Error(
      `${what}: the construct stack and the direct stack differ at ${at || 'the top'}; ` +
        'make test/bench/synth-direct-stack.ts write what the constructs write.',
    );
  }
}

export function describe(counts: Map<string, number>): string {
  return [...counts].map(([block, n]) => `${block} ${n}`).join(', ');
}

function firstDifference(a: Json, b: Json, path: string): string | undefined {
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(key in a) || !(key in b))
        return `${path}.${key} (only in ${key in a ? 'ours' : 'direct'})`;
      const found = firstDifference(a[key] as Json, b[key] as Json, `${path}.${key}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) {
      const found = firstDifference(a[i] as Json, b[i] as Json, `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return isDeepStrictEqual(a, b)
    ? undefined
    : `${path} (${JSON.stringify(a).slice(0, 120)} vs ${JSON.stringify(b).slice(0, 120)})`;
}

function withoutMetadata(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== '//')
      .map(([key, inner]) => [key, withoutMetadata(inner)]),
  );
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
