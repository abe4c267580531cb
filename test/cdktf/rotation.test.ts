/**
 * A simulation of the client-secret rotation over a year of scheduled deploys, through the rule
 * in src/rotation.ts that the construct renders as Terraform (expressions.test.ts checks, with
 * Terraform itself, that the rendering computes the same numbers).
 *
 * The model, step by step, for one deploy that starts at time t:
 * 1. Plan. The current generation is computed from the UTC date of t (plantimestamp()). Each
 *    slot's `rotate_when_changed` key is its slot generation; a slot whose key differs from the
 *    one in state (or that has no password yet) is replaced.
 * 2. Apply, create_before_destroy: the new password exists CREATE_MS after t, with the end date
 *    the rule gives; Entra accepts it PROPAGATION_MS after that (a new secret takes a moment);
 *    the replaced password is deleted DESTROY_MS after its successor was created.
 * 3. Publish. After the apply the workflow copies the `client-secret` output into the
 *    repository secret, PUBLISH_MS after t. Until then every scan pipeline holds the value
 *    published by an earlier deploy.
 * Between deploys nothing changes except that secrets reach their end dates.
 *
 * The checks, at every instant (the state is constant between events, so checking at each event
 * covers every instant): the published value belongs to a password that exists, that Entra
 * already accepts and that has not expired; at most two passwords are valid; and outside an
 * apply at most two exist (during one, the replaced password, already expired, and its successor
 * exist together for DESTROY_MS).
 */
import {
  currentSlot,
  endHour,
  epochDay,
  generation,
  numberArithmetic as ops,
  rotationSchedule,
  slotGeneration,
  type RotationSchedule,
  type SecretSlot,
} from '../../src/rotation.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const CREATE_MS = 40_000;
const PROPAGATION_MS = 2 * MINUTE;
const DESTROY_MS = 5_000;
const PUBLISH_MS = 4 * MINUTE;

interface Password {
  readonly slot: number;
  readonly key: number;
  readonly createdAt: number;
  readonly endsAt: number;
  destroyedAt: number;
}

/** How a design maps a generation to slots; the construct's is `twoSlots`. */
interface Design {
  readonly slots: readonly number[];
  key(current: number, slot: number): number;
  published(current: number): number;
}

const twoSlots: Design = {
  slots: [0, 1],
  key: (current, slot) => slotGeneration(ops, current, slot as SecretSlot),
  published: (current) => currentSlot(ops, current),
};

/** The design the issue first described: one password, replaced at every rotation. */
const oneSlot: Design = { slots: [0], key: (current) => current, published: () => 0 };

/** Days since the epoch of the UTC date of `time`, as plantimestamp() gives it to the rule. */
function today(time: number): number {
  const date = new Date(time);
  return epochDay(ops, {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
  });
}

function currentGeneration(time: number, schedule: RotationSchedule): number {
  return generation(ops, today(time), schedule);
}

/** Runs the deploys and returns every violation of the checks, as readable lines. */
function simulate(schedule: RotationSchedule, deploys: readonly number[], design = twoSlots) {
  const passwords: Password[] = [];
  const publications: Array<{ at: number; password: Password }> = [];
  const applies: Array<[number, number]> = [];

  for (const start of deploys) {
    const current = currentGeneration(start, schedule);
    const createdAt = start + CREATE_MS;
    for (const slot of design.slots) {
      const live = passwords.find((p) => p.slot === slot && p.destroyedAt === Infinity);
      const key = design.key(current, slot);
      if (live?.key === key) continue;
      const endsAt = ops.multiply(endHour(ops, key, today(start), schedule), HOUR);
      expect(endsAt).toBeGreaterThan(createdAt); // Entra refuses an end date in the past.
      passwords.push({ slot, key, createdAt, endsAt, destroyedAt: Infinity });
      if (live) live.destroyedAt = createdAt + DESTROY_MS;
    }
    applies.push([start, createdAt + DESTROY_MS]);
    const published = passwords.find(
      (p) => p.slot === design.published(current) && p.destroyedAt === Infinity,
    );
    publications.push({ at: start + PUBLISH_MS, password: published! });
  }

  const instants = new Set<number>();
  for (const p of passwords) {
    for (const t of [p.createdAt, p.createdAt + PROPAGATION_MS, p.endsAt, p.destroyedAt]) {
      if (Number.isFinite(t)) instants.add(t);
    }
  }
  for (const { at } of publications) instants.add(at);
  const first = publications[0]!.at;
  const last = deploys[deploys.length - 1]! + DAY;

  const violations: string[] = [];
  for (const now of [...instants].filter((t) => t >= first && t <= last).sort((a, b) => a - b)) {
    const when = new Date(now).toISOString();
    const held = publications.filter((p) => p.at <= now).at(-1)!.password;
    if (held.destroyedAt <= now) violations.push(`${when}: the published secret was deleted`);
    else if (held.endsAt <= now) violations.push(`${when}: the published secret has expired`);
    else if (held.createdAt + PROPAGATION_MS > now) {
      violations.push(`${when}: the published secret does not work yet`);
    }
    const existing = passwords.filter((p) => p.createdAt <= now && p.destroyedAt > now);
    const valid = existing.filter((p) => p.endsAt > now);
    if (valid.length > 2) violations.push(`${when}: ${valid.length} valid secrets`);
    const applying = applies.some(([from, to]) => from <= now && now < to);
    if (existing.length > 2 && !applying) {
      violations.push(`${when}: ${existing.length} secrets exist between deploys`);
    }
  }
  return { violations, passwords };
}

/** Deploy start times: one a day at 03:00 UTC plus a varying delay, skipping `skip` days. */
function dailyDeploys(options: { from: string; days: number; skip?: (day: number) => boolean }) {
  const start = Date.parse(options.from);
  const deploys: number[] = [];
  for (let day = 0; day < options.days; day++) {
    if (options.skip?.(day)) continue;
    // A queue delay between 0 and 53 minutes that varies from day to day.
    deploys.push(start + day * DAY + 3 * HOUR + ((day * 37) % 54) * MINUTE);
  }
  return deploys;
}

describe('the two-slot rotation over a year of deploys', () => {
  test('daily deploys: the published secret always works; at most two are valid', () => {
    const schedule = rotationSchedule({});
    const { violations, passwords } = simulate(
      schedule,
      dailyDeploys({ from: '2025-01-01T00:00:00Z', days: 366 }),
    );
    expect(violations).toEqual([]);
    // Two at the first deploy, then one new secret per 30-day generation.
    expect(passwords.length).toBeGreaterThanOrEqual(2 + 12);
    expect(passwords.length).toBeLessThanOrEqual(2 + 13);
  });

  test('deploys that pause for less than the overlap do not break the pipelines', () => {
    const schedule = rotationSchedule({ rotationDays: 30, overlapDays: 7 });
    // Six days without a deploy every four weeks, across rotation days as well.
    const deploys = dailyDeploys({
      from: '2025-01-01T00:00:00Z',
      days: 366,
      skip: (d) => d % 28 < 6,
    });
    expect(simulate(schedule, deploys).violations).toEqual([]);
  });

  test.each([
    [2, 1],
    [7, 1],
    [14, 3],
    [90, 30],
  ])('rotationDays %i with overlapDays %i', (rotationDays, overlapDays) => {
    const valid = rotationSchedule({ rotationDays, overlapDays });
    const deploys = dailyDeploys({ from: '2024-02-20T00:00:00Z', days: 400 });
    expect(simulate(valid, deploys).violations).toEqual([]);
  });

  test('a pause longer than the overlap is seen: the published secret expires', () => {
    const schedule = rotationSchedule({ rotationDays: 30, overlapDays: 2 });
    const deploys = dailyDeploys({
      from: '2025-01-01T00:00:00Z',
      days: 120,
      skip: (d) => d >= 40 && d < 45,
    });
    const { violations } = simulate(schedule, deploys);
    expect(violations.length).toBeGreaterThan(0);
    expect(violations[0]).toMatch(/the published secret has expired/);
  });

  test(
    'the same checks catch the one-password design: ' + 'its rotation deletes the held secret',
    () => {
      const schedule = rotationSchedule({});
      const deploys = dailyDeploys({ from: '2025-01-01T00:00:00Z', days: 366 });
      const { violations } = simulate(schedule, deploys, oneSlot);
      expect(violations.filter((v) => /was deleted/.test(v)).length).toBeGreaterThanOrEqual(12);
    },
  );
});

describe('the calendar count the rule starts from', () => {
  test('epochDay agrees with the JavaScript clock on every day from 1999 to 2101', () => {
    for (
      let time = Date.parse('1999-01-01T00:00:00Z');
      time < Date.parse('2101-12-31T00:00:00Z');
      time += DAY
    ) {
      const date = new Date(time);
      const day = epochDay(ops, {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
      });
      if (day !== time / DAY)
        throw new Error(`${date.toISOString()}: ${day}, expected ${time / DAY}`);
    }
  });

  test('the slots take turns: each generation changes exactly one slot key', () => {
    for (let current = 1; current < 50; current++) {
      const changed = [0, 1].filter(
        (slot) =>
          slotGeneration(ops, current, slot as SecretSlot) !==
          slotGeneration(ops, current - 1, slot as SecretSlot),
      );
      expect(changed).toEqual([currentSlot(ops, current)]);
    }
  });
});
