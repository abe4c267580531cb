import { CorgeaError } from '../errors.js';
import {
  differingFields,
  type JwtAuthConfig,
  type JwtAuthConfigValues,
} from './jwt-auth-config.js';
import type { JwtAuthConfigClient } from './jwt-auth-configs.js';

/** What `register` did, with the configuration as Corgea holds it afterwards. */
export type RegisterOutcome =
  | { readonly action: 'created'; readonly config: JwtAuthConfig }
  | {
      readonly action: 'updated';
      readonly config: JwtAuthConfig;
      readonly changed: readonly string[];
    }
  | { readonly action: 'unchanged'; readonly config: JwtAuthConfig };

/** What `deregister` did. */
export type DeregisterOutcome =
  { readonly action: 'deleted'; readonly ids: readonly string[] } | { readonly action: 'absent' };

/**
 * Makes Corgea hold exactly `desired` under its name: creates it when no configuration has the
 * name, updates it when one differs (application IDs compared as a set), and does nothing when
 * it is equal. Configurations of other names are never touched. Safe to re-run after any
 * failure: each run starts from what Corgea lists.
 */
export async function registerJwtAuthConfig(
  client: JwtAuthConfigClient,
  desired: JwtAuthConfigValues,
): Promise<RegisterOutcome> {
  const existing = named(await client.list(desired.name), desired.name);
  if (existing.length > 1) {
    throw new CorgeaError(
      `Corgea holds ${existing.length} JWT-auth configurations named "${desired.name}" (ids ` +
        `${existing.map((config) => config.id).join(', ')}); ` +
        'register cannot tell which one to keep.',
      "delete the extra ones in Corgea's settings page " +
        `(or run deregister --name "${desired.name}" to remove them all), then run register again.`,
    );
  }

  const [current] = existing;
  if (!current) {
    const created = await client.create(desired);
    // A create whose answer was lost may have found a configuration made by someone else.
    const changed = differingFields(created, desired);
    if (changed.length === 0) return { action: 'created', config: created };
    return { action: 'updated', config: await client.update(created.id, desired), changed };
  }

  const changed = differingFields(current, desired);
  if (changed.length === 0) return { action: 'unchanged', config: current };
  return { action: 'updated', config: await client.update(current.id, desired), changed };
}

/**
 * Deletes the configuration called `name`, and nothing else. Every configuration of that name
 * goes, so that a duplicate left by an earlier failure does not survive. `absent` when there is
 * none, which is what a re-run after a successful delete finds.
 */
export async function deregisterJwtAuthConfig(
  client: JwtAuthConfigClient,
  name: string,
): Promise<DeregisterOutcome> {
  const existing = named(await client.list(name), name);
  const ids: string[] = [];
  for (const config of existing) {
    if (await client.delete(config)) ids.push(config.id);
  }
  return ids.length === 0 ? { action: 'absent' } : { action: 'deleted', ids };
}

function named(configs: readonly JwtAuthConfig[], name: string): JwtAuthConfig[] {
  return configs.filter((config) => config.name === name);
}
