/**
 * The demo's credentials: two client secrets (before and after the rotation) and the Corgea admin
 * token, derived from one seed so that the demo's test can recompute them and prove that none of
 * them appears in the demo's output. A run without `CORGEA_DEMO_SEED` gets a random seed.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

/** The variable the demo's test sets to know which values must not be printed. */
export const DEMO_SEED_VARIABLE = 'CORGEA_DEMO_SEED';

export interface DemoSecrets {
  /** The client secret the bootstrap issued first. */
  readonly firstClientSecret: string;
  /** The client secret the rotation issues. */
  readonly secondClientSecret: string;
  /** The Corgea credential the provisioner's `register` runs with. */
  readonly adminToken: string;
}

/** Derives the demo's secrets from `seed`: the same seed gives the same values. */
export function demoSecrets(seed: string): DemoSecrets {
  return {
    firstClientSecret: clientSecret(seed, 'client-secret-1'),
    secondClientSecret: clientSecret(seed, 'client-secret-2'),
    adminToken: `corgea-admin-${derive(seed, 'admin-token').slice(0, 32)}`,
  };
}

/** The seed from the environment, or a fresh random one. */
export function demoSeed(env: NodeJS.ProcessEnv): string {
  return env[DEMO_SEED_VARIABLE] || randomBytes(16).toString('hex');
}

/** What the demo prints in place of a secret: a short hash that names it without revealing it. */
export function fingerprint(value: string): string {
  return `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 12)}`;
}

// Shaped like an Entra secret value (three characters, a digit, `Q~`, then 34 more), with the
// characters that must survive form encoding.
function clientSecret(seed: string, label: string): string {
  const body = derive(seed, label);
  return `${body.slice(0, 3)}8Q~${body.slice(3, 37)}`;
}

function derive(seed: string, label: string): string {
  return createHmac('sha256', seed).update(label).digest('base64url');
}
