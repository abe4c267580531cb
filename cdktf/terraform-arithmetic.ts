/**
 * The rotation rule's arithmetic (src/rotation.ts) as Terraform expressions, built from cdktf's
 * operators so that references to resources and locals compose. Terraform's numbers are exact
 * decimals, so `floor(a / n)` is the integer division the rule means.
 */
import { Fn, Op } from 'cdktf';
import { epochDay, type RuleArithmetic } from '../src/rotation.js';

/**
 * Each value is a cdktf number token that renders as a Terraform expression. cdktf's operators
 * drop a literal 0 operand (rendering `x - 0` as `-x`), so adding or subtracting 0 is skipped.
 */
export const terraformArithmetic: RuleArithmetic<number> = {
  constant: (value) => value,
  add: (a, b) => (b === 0 ? a : Op.add(a, b)),
  subtract: (a, b) => (b === 0 ? a : Op.sub(a, b)),
  multiply: (a, factor) => Op.mul(a, factor),
  floorDivide: (a, divisor) => Fn.floor(Op.div(a, divisor)),
};

/**
 * Days since 1970-01-01 of the UTC date of `timestamp`, a string expression holding an RFC 3339
 * time (the construct passes `plantimestamp()`): Terraform cannot turn a timestamp into a number,
 * so the count is computed from its `formatdate` parts.
 */
export function terraformEpochDay(timestamp: string): number {
  const part = (format: string) => Fn.tonumber(Fn.formatdate(format, timestamp));
  return epochDay(terraformArithmetic, { year: part('YYYY'), month: part('M'), day: part('D') });
}
