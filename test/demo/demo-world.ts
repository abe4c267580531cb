/**
 * What the demo runs against, all on 127.0.0.1: the Entra ID stand-in with one tenant and one app
 * registration as the CDKTF construct creates it (Application ID URI `api://{client-id}`, v1
 * tokens, a service principal, one client secret), and the Corgea stand-in that knows only the
 * admin token. Both are stand-ins (see their files): the demo needs no account and no network.
 */
import { randomUUID } from 'node:crypto';

import { entraCorgeaValues, type CorgeaJwtValues } from '../../src/entra.js';
import { startCorgeaStandIn, type CorgeaStandIn } from '../stand-ins/corgea.js';
import { startEntraStandIn, type EntraApp, type EntraStandIn } from '../stand-ins/entra.js';
import type { DemoSecrets } from './demo-secrets.js';

/** The secret lifetime the construct gives by default: 30 days of rotation plus 7 of overlap. */
const SECRET_LIFETIME_MS = 37 * 24 * 3_600_000;

export interface DemoWorld {
  readonly entra: EntraStandIn;
  readonly corgea: CorgeaStandIn;
  readonly tenantId: string;
  readonly clientId: string;
  readonly applicationIdUri: string;
  /** The JWT-auth configuration's name, as the construct would register it. */
  readonly configName: string;
  /** What the construct derives for Corgea from the tenant and the app (src/entra.ts). */
  readonly corgeaValues: CorgeaJwtValues;
  /** The app registration; its `secrets` change during the rotation. */
  readonly app: EntraApp;
  readonly secrets: DemoSecrets;
  /** The loopback ports the two stand-ins listen on. */
  readonly ports: readonly number[];
  close(): Promise<void>;
}

/** Starts both stand-ins; if the second fails to start, the first is stopped again. */
export async function startDemoWorld(secrets: DemoSecrets): Promise<DemoWorld> {
  const tenantId = randomUUID();
  const clientId = randomUUID();
  const applicationIdUri = `api://${clientId}`;
  const app: EntraApp = {
    clientId,
    identifierUris: [applicationIdUri],
    requestedAccessTokenVersion: 1,
    servicePrincipal: true,
    secrets: [{ value: secrets.firstClientSecret, expiresAt: Date.now() + SECRET_LIFETIME_MS }],
  };

  const entra = await startEntraStandIn({
    tenants: [{ tenantId, domains: ['corgea-demo.onmicrosoft.com'], apps: [app] }],
  });
  let corgea: CorgeaStandIn;
  try {
    corgea = await startCorgeaStandIn({ adminToken: secrets.adminToken });
  } catch (error) {
    await entra.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    entra,
    corgea,
    tenantId,
    clientId,
    applicationIdUri,
    configName: 'corgea-demo-scans',
    corgeaValues: entraCorgeaValues({
      tenantId,
      clientId,
      applicationIdUri,
      version: 1,
      authorityHost: entra.authority,
    }),
    app,
    secrets,
    ports: [entra.authority, corgea.url].map((url) => Number(new URL(url).port)),
    // Safe to call twice (the interrupt handler and the normal end may both get here).
    close: () => (closing ??= Promise.all([entra.close(), corgea.close()]).then(() => undefined)),
  };
}

/** Issues a new client secret next to the current ones, as a rotation's deploy does. */
export function issueSecret(world: DemoWorld, value: string): void {
  world.app.secrets.push({ value, expiresAt: Date.now() + SECRET_LIFETIME_MS });
}

/** Ends a secret's validity now, as its end date passing after the overlap does. */
export function expireSecret(world: DemoWorld, value: string): void {
  const index = world.app.secrets.findIndex((secret) => secret.value === value);
  if (index < 0) throw new Error('The secret to expire is not one of the app registration.');
  world.app.secrets[index] = { value, expiresAt: Date.now() };
}
