/**
 * Finds secrets and tokens in clear where a run leaves text: the checks behind "neither the
 * client secret nor the token appears anywhere", on success and on every failure path.
 */
import type { ActionRun } from '../e2e/runner.js';

/**
 * The forms a value can leak in: as is, percent-encoded (a URL or a debug line of a query) and
 * form-encoded (a request body). Values shorter than 4 characters are refused: they would match
 * ordinary text and prove nothing.
 */
export function leakForms(value: string): string[] {
  if (value.length < 4) throw new Error('A value to look for must have at least 4 characters.');
  const form = new URLSearchParams({ v: value }).toString().slice(2);
  return [...new Set([value, encodeURIComponent(value), form])];
}

/**
 * Returns one line per place that holds one of `values` (named by their keys) in any of its
 * leak forms, e.g. `stderr holds the client secret`; an empty array means no leak.
 */
export function findLeaks(
  places: Readonly<Record<string, string>>,
  values: Readonly<Record<string, string>>,
): string[] {
  const found: string[] = [];
  for (const [place, text] of Object.entries(places)) {
    for (const [label, value] of Object.entries(values)) {
      if (leakForms(value).some((form) => text.includes(form)))
        found.push(`${place} holds the ${label}`);
    }
  }
  return found;
}

/** Where an action run may legitimately hold a value: the outputs and variables meant for it. */
export interface AllowedPlaces {
  /** Output names whose value may be the token, e.g. `['token']`. */
  readonly outputs?: readonly string[];
  /** Exported variables whose value may be the token, e.g. `['CORGEA_TOKEN']`. */
  readonly exported?: readonly string[];
}

/**
 * The places of an action run to search: stdout (without `::add-mask::` lines, which the runner
 * consumes and never shows), stderr, every output and exported variable except the allowed
 * ones, and the job summary.
 */
export function actionRunPlaces(
  run: ActionRun,
  allowed: AllowedPlaces = {},
): Record<string, string> {
  const places: Record<string, string> = {
    stdout: run.stdoutLines.filter((line) => !line.startsWith('::add-mask::')).join('\n'),
    stderr: run.stderr,
    summary: run.summary,
  };
  for (const [name, value] of Object.entries(run.outputs)) {
    if (!allowed.outputs?.includes(name)) places[`output ${name}`] = `${name}\n${value}`;
  }
  for (const [name, value] of Object.entries(run.exported)) {
    if (!allowed.exported?.includes(name)) places[`exported ${name}`] = `${name}\n${value}`;
  }
  return places;
}
