/**
 * The rotation rule's arithmetic (src/rotation.ts) as Terraform expression text. Terraform's
 * numbers are exact decimals, so `floor(a / n)` is the integer division the rule means.
 *
 * Plain text, not cdktf's `Op`/`Fn` tokens: the calendar arithmetic reuses each step several
 * times, and resolving that tree of tokens took seconds per synth; cdktf also drops a literal 0
 * operand of its operators (`x - 0` renders as `-x`).
 */
import type { TerraformElement } from 'cdktf';

import { epochDay, type RuleArithmetic } from '../src/rotation.js';

/** Each step in parentheses; `interpolate` wraps the result for a configuration value. */
export const terraformArithmetic: RuleArithmetic<string> = {
  constant: (value) => String(value),
  add: (a, b) => (b === '0' ? a : `(${a} + ${b})`),
  subtract: (a, b) => (b === '0' ? a : `(${a} - ${b})`),
  multiply: (a, factor) => `(${a} * ${factor})`,
  floorDivide: (a, divisor) => `floor(${a} / ${divisor})`,
  larger: (a, b) => `max(${a}, ${b})`,
};

/** `${expression}`, the form a computed value takes in the synthesized JSON. */
export function interpolate(expression: string): string {
  return `\${${expression}}`;
}

/**
 * The address by which an expression refers to a local (`local.NAME`) or to a resource
 * (`TYPE.NAME`) of the same stack.
 */
export function addressOf(element: TerraformElement & { terraformResourceType?: string }): string {
  const prefix = element.terraformResourceType ?? 'local';
  return `${prefix}.${element.friendlyUniqueId}`;
}

/**
 * Days since 1970-01-01 of the UTC date of `timestamp`, an expression holding an RFC 3339 time
 * (the construct passes `plantimestamp()`): Terraform cannot turn a timestamp into a number, so
 * the count is computed from its `formatdate` parts.
 */
export function terraformEpochDay(timestamp: string): string {
  const part = (format: string) => `tonumber(formatdate("${format}", ${timestamp}))`;
  return epochDay(terraformArithmetic, { year: part('YYYY'), month: part('M'), day: part('D') });
}
