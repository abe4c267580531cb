/**
 * A client secret for an Entra app registration that rotates on a schedule without a moment in
 * which the value the pipelines hold has been deleted: two `azuread_application_password` slots
 * take turns, following the rule in src/rotation.ts (read its header for why).
 */
import { ApplicationPasswordA } from '@cdktf/provider-azuread/lib/application-password/index.js';
import { TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';
import {
  currentSlot,
  endHour,
  generation,
  ROTATION_EPOCH,
  rotationSchedule,
  SECRET_SLOTS,
  type SecretSlot,
  slotGeneration,
  type RotationSchedule,
} from '../src/rotation.js';
import {
  addressOf,
  interpolate,
  terraformArithmetic,
  terraformEpochDay,
} from './terraform-arithmetic.js';

export interface RotatingClientSecretProps {
  /** The `id` (`/applications/{object-id}`) of the app registration that owns the secret. */
  readonly applicationId: string;
  /** Shown in the Entra portal next to each secret; the slot number is appended. */
  readonly displayName: string;
  /** How often a new secret is issued and published, in whole days. Default 30. */
  readonly rotationDays?: number;
  /** How long the previous secret keeps working after its successor, in whole days. Default 7. */
  readonly overlapDays?: number;
}

/**
 * Two password slots and the values that say which one to publish. Needs Terraform 1.5 or later
 * (`plantimestamp()`), and a deploy at least once within `overlapDays` after each rotation day:
 * the previous secret stops working `overlapDays` after its successor was due.
 */
export class RotatingClientSecret extends Construct {
  readonly schedule: RotationSchedule;
  /** The slots, in slot order (even generations, odd generations). */
  readonly slots: readonly ApplicationPasswordA[];
  /** The current generation: whole rotation periods since 1970-01-01 UTC at plan time. */
  readonly generation: number;
  /** The current secret's value (sensitive): the one the pipelines must be given. */
  readonly value: string;
  /** The current secret's key ID, which Entra shows; safe to log. */
  readonly keyId: string;
  /** When the current secret stops working (RFC 3339). */
  readonly endDate: string;

  constructor(scope: Construct, id: string, props: RotatingClientSecretProps) {
    super(scope, id);
    this.schedule = rotationSchedule(props);
    const ops = terraformArithmetic;

    // plantimestamp() is fixed for one plan and known while planning, unlike timestamp(), so a
    // plan that shows no rotation applies none.
    const todayLocal = new TerraformLocal(
      this,
      'today',
      interpolate(terraformEpochDay('plantimestamp()')),
    );
    const today = addressOf(todayLocal);
    // LIMITATION: changing rotationDays renumbers the generations, so the next deploy replaces
    // both slots at once and the published secret is deleted before the workflow publishes its
    // successor; pipelines starting in those minutes fail until the new value is published.
    const local = new TerraformLocal(
      this,
      'generation',
      interpolate(generation(ops, today, this.schedule)),
    );
    const current = addressOf(local);
    const held = (slot: SecretSlot) => slotGeneration(ops, current, slot);
    this.generation = local.asNumber;

    this.slots = SECRET_SLOTS.map(
      (slot) =>
        new ApplicationPasswordA(this, `slot-${slot}`, {
          applicationId: props.applicationId,
          displayName: `${props.displayName} (slot ${slot})`,
          rotateWhenChanged: {
            generation: interpolate(`tostring(${held(slot)})`),
          },
          endDate: interpolate(
            `timeadd("${ROTATION_EPOCH}", format("%dh", ` +
              `${endHour(ops, held(slot), today, this.schedule)}))`,
          ),
          lifecycle: {
            // Only rotate_when_changed may replace a secret: the end date is fixed when the
            // secret is made (it depends on the day it was made), and a changed overlap
            // applies from the next secret on.
            ignoreChanges: ['end_date'],
            // The replaced slot's old secret has expired already; creating first still keeps
            // it if Entra refuses the new one, e.g. when a long pause rotates both slots.
            createBeforeDestroy: true,
          },
        }),
    );

    const [slot0, slot1] = this.slots.map(addressOf) as [string, string];
    const isSlot0 = `${currentSlot(ops, current)} == 0`;
    const pick = (attribute: string) =>
      interpolate(`${isSlot0} ? ${slot0}.${attribute} : ${slot1}.${attribute}`);
    this.value = pick('value');
    this.keyId = pick('key_id');
    this.endDate = pick('end_date');
  }
}
