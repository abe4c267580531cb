/**
 * The client secret's rotation rule: when a new secret is issued, which of the two secret slots
 * it goes into, and until when it works. The CDKTF construct renders this rule as Terraform
 * expressions and the rotation simulation evaluates it as numbers, through the same functions
 * here, so the two cannot drift apart.
 *
 * Why two slots. Terraform replaces a rotated password: with one password, the old value is
 * deleted in the same apply that creates the new one, while every pipeline still holds the old
 * value until the repository secret is updated from the output. An `end_date` past the rotation
 * cannot help a deleted secret. So the secret lives in two slots that take turns: generation `g`
 * (a count of `rotationDays` periods since 1970-01-01 UTC) is issued into slot `g mod 2` and is
 * the one published; the other slot keeps generation `g - 1`, which the pipelines held until this
 * deploy, valid for `overlapDays` more. A slot is only ever reused two generations later, when
 * its old secret has already expired, because the overlap is shorter than the rotation.
 *
 * Why a calendar count and not `time_rotating`. A `time_rotating` re-bases on each apply's own
 * time, so two of them drift and can fall due in the same apply, deleting the secret the
 * pipelines hold; keeping them out of phase needs one to read the other's timestamp, which is
 * unknown while the other is being replaced. A period count from a fixed epoch cannot drift.
 */
import { InputError } from './errors.js';

/** A validated rotation schedule, in whole days. */
export interface RotationSchedule {
  /** How often a new secret is issued and published. */
  readonly rotationDays: number;
  /** How long the previous secret keeps working after its successor was issued. */
  readonly overlapDays: number;
}

export const DEFAULT_ROTATION_DAYS = 30;
export const DEFAULT_OVERLAP_DAYS = 7;

/** Each of the two slots holds every other generation: slot 0 the even ones, slot 1 the odd. */
export type SecretSlot = 0 | 1;
export const SECRET_SLOTS: readonly SecretSlot[] = [0, 1];

/** The epoch the generations are counted from; end dates are offsets from it. */
export const ROTATION_EPOCH = '1970-01-01T00:00:00Z';

/**
 * Checks the schedule props: both whole numbers of days, at least 1, and the overlap shorter than
 * the rotation (otherwise a slot would be reused while its secret still works, and three
 * generations would be valid at once). Defaults: 30 and 7.
 */
export function rotationSchedule(props: {
  readonly rotationDays?: number | undefined;
  readonly overlapDays?: number | undefined;
}): RotationSchedule {
  const rotationDays = wholeDays('rotationDays', props.rotationDays ?? DEFAULT_ROTATION_DAYS);
  const overlapDays = wholeDays('overlapDays', props.overlapDays ?? DEFAULT_OVERLAP_DAYS);
  if (overlapDays >= rotationDays) {
    throw new InputError(
      'overlapDays',
      `expected fewer days than rotationDays (${rotationDays}), found ${overlapDays}.`,
      'set overlapDays below rotationDays, e.g. rotationDays 30 with overlapDays 7.',
    );
  }
  return { rotationDays, overlapDays };
}

function wholeDays(prop: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InputError(
      prop,
      `expected a whole number of days, at least 1, found ${String(value)}.`,
      `set ${prop} to a whole number such as 30.`,
    );
  }
  return value;
}

/**
 * The arithmetic the rule needs. Numbers for the simulation; Terraform expression text for the
 * construct (Terraform numbers are exact, and `floor` of a quotient is integer division).
 */
export interface RuleArithmetic<T> {
  constant(value: number): T;
  add(a: T, b: T): T;
  subtract(a: T, b: T): T;
  multiply(a: T, factor: number): T;
  /** floor(a / divisor), for a positive divisor. */
  floorDivide(a: T, divisor: number): T;
  larger(a: T, b: T): T;
}

/** A calendar date in UTC, month 1 to 12. */
export interface CivilDate<T> {
  readonly year: T;
  readonly month: T;
  readonly day: T;
}

/**
 * Days from 1970-01-01 to a UTC calendar date (the proleptic Gregorian count, using March as the
 * first month so that the leap day falls at the end of a year). Terraform has no function that
 * turns a timestamp into a number, so the construct feeds it `formatdate` parts.
 */
export function epochDay<T>(ops: RuleArithmetic<T>, date: CivilDate<T>): T {
  // 1 for January and February, which count with the previous year; 0 otherwise.
  const early = ops.floorDivide(ops.subtract(ops.constant(14), date.month), 12);
  const year = ops.subtract(date.year, early);
  const era = ops.floorDivide(year, 400);
  const yearOfEra = ops.subtract(year, ops.multiply(era, 400));
  const marchMonth = ops.subtract(ops.add(date.month, ops.multiply(early, 12)), ops.constant(3));
  const dayOfYear = ops.add(
    ops.floorDivide(ops.add(ops.multiply(marchMonth, 153), ops.constant(2)), 5),
    ops.subtract(date.day, ops.constant(1)),
  );
  const dayOfEra = ops.add(
    ops.subtract(
      ops.add(ops.multiply(yearOfEra, 365), ops.floorDivide(yearOfEra, 4)),
      ops.floorDivide(yearOfEra, 100),
    ),
    dayOfYear,
  );
  return ops.subtract(ops.add(ops.multiply(era, 146097), dayOfEra), ops.constant(719468));
}

/** The generation current on `day` (days since the epoch): whole rotation periods elapsed. */
export function generation<T>(ops: RuleArithmetic<T>, day: T, schedule: RotationSchedule): T {
  return ops.floorDivide(day, schedule.rotationDays);
}

/**
 * The generation `slot` holds while `current` is current: `current` itself for its own slot, the
 * one before for the other. A slot's password is replaced exactly when this value changes.
 */
export function slotGeneration<T>(ops: RuleArithmetic<T>, current: T, slot: SecretSlot): T {
  const shifted = ops.subtract(current, ops.constant(slot));
  return ops.add(ops.multiply(ops.floorDivide(shifted, 2), 2), ops.constant(slot));
}

/** The slot that holds the current generation, as 0 or 1: the one to publish. */
export function currentSlot<T>(ops: RuleArithmetic<T>, current: T): T {
  return ops.subtract(current, ops.multiply(ops.floorDivide(current, 2), 2));
}

/**
 * Until when the secret of slot generation `held` works, in hours after the epoch, for a secret
 * made on `today` (days since the epoch): the start of the next generation plus the overlap, so
 * that it outlives its successor by `overlapDays`. A secret made late (the other slot, at the
 * first deploy) would end in the past, which Entra refuses: it ends at the next midnight UTC
 * instead, still before its slot is reused, so that no more than two secrets are ever valid.
 */
export function endHour<T>(
  ops: RuleArithmetic<T>,
  held: T,
  today: T,
  schedule: RotationSchedule,
): T {
  const nominal = ops.add(
    ops.multiply(ops.add(held, ops.constant(1)), schedule.rotationDays),
    ops.constant(schedule.overlapDays),
  );
  return ops.multiply(ops.larger(nominal, ops.add(today, ops.constant(1))), 24);
}

/** The rule evaluated on plain numbers. */
export const numberArithmetic: RuleArithmetic<number> = {
  constant: (value) => value,
  add: (a, b) => a + b,
  subtract: (a, b) => a - b,
  multiply: (a, factor) => a * factor,
  floorDivide: (a, divisor) => Math.floor(a / divisor),
  larger: (a, b) => Math.max(a, b),
};
