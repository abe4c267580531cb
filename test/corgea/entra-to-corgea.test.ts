/**
 * The whole chain on loopback: values derived by src/entra.ts are registered with the command
 * line's `register`, a token is fetched from the Entra stand-in with `token`, and the Corgea
 * stand-in's verify endpoint accepts it by discovering the stand-in issuer's keys.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';

import { entraCorgeaValues } from '../../src/entra.js';
import { startCorgeaStandIn, type CorgeaStandIn } from '../stand-ins/corgea.js';
import { entraApp, startEntraStandIn, type EntraStandIn } from '../stand-ins/entra.js';
import { runCli } from '../support/cli.js';

const TENANT = '72f988bf-0000-4000-8000-00000000c0de';
const V1_APP = '11111111-1111-4111-8111-111111111111';
const V2_APP = '22222222-2222-4222-8222-222222222222';
const SECRET = 'Qx8~client.secret.value';
const ADMIN = 'corgea-admin-key-c0ffee';

let entra: EntraStandIn;
let corgea: CorgeaStandIn;
let corgeaReadingAzp: CorgeaStandIn;

beforeAll(async () => {
  entra = await startEntraStandIn({
    tenants: [
      {
        tenantId: TENANT,
        domains: [],
        apps: [entraApp(V1_APP, SECRET, 1), entraApp(V2_APP, SECRET, 2)],
      },
    ],
  });
  corgea = await startCorgeaStandIn({ adminToken: ADMIN });
  corgeaReadingAzp = await startCorgeaStandIn({
    adminToken: ADMIN,
    applicationIdClaims: ['appid', 'cid', 'azp'],
  });
});

afterAll(async () => {
  await Promise.all([entra?.close(), corgea?.close(), corgeaReadingAzp?.close()]);
});

/** Registers the derived values in `target`, fetches a token for `clientId`, asks verify. */
async function registerFetchVerify(target: CorgeaStandIn, clientId: string, version: 1 | 2) {
  const values = entraCorgeaValues({
    tenantId: TENANT,
    clientId,
    applicationIdUri: `api://${clientId}`,
    version,
    authorityHost: entra.authority,
  });
  const registered = await runCli(['register'], {
    CORGEA_ADMIN_TOKEN: ADMIN,
    CORGEA_URL: target.url,
    CORGEA_CONFIG_NAME: `ci-v${version}`,
    CORGEA_CONFIG_ISSUER: values.issuer,
    CORGEA_CONFIG_AUDIENCE: values.audience,
    CORGEA_CONFIG_ALLOWED_APPLICATION_IDS: values.allowedApplicationIds.join('\n'),
  });
  expect(registered).toMatchObject({ code: 0, stdout: expect.stringMatching(/^created /) });

  const fetched = await runCli(
    // Corgea is asked below, directly, so that its refusal can be seen.
    [
      'token',
      '--tenant-id',
      TENANT,
      '--client-id',
      clientId,
      '--authority-host',
      entra.authority,
      '--verify',
      'false',
    ],
    { CORGEA_CLIENT_SECRET: SECRET },
  );
  expect(fetched.code).toBe(0);

  const response = await fetch(`${target.url}/api/v1/verify`, {
    headers: { Authorization: `Bearer ${fetched.stdout.trim()}` },
  });
  return { status: response.status, verification: target.verifications.at(-1) };
}

it(
  'accepts a v1 Entra token for the configuration ' + 'registered from the derived values',
  async () => {
    const { status, verification } = await registerFetchVerify(corgea, V1_APP, 1);

    expect(verification).toEqual({
      accepted: true,
      reason: 'matches configuration "ci-v1"',
      configuration: 'ci-v1',
    });
    expect(status).toBe(200);
  },
);

it('rejects a v2 Entra token (azp) by default, and accepts it where azp counts', async () => {
  const strict = await registerFetchVerify(corgea, V2_APP, 2);
  expect(strict.status).toBe(401);
  expect(strict.verification?.reason).toBe('the JWT carries none of the claims appid, cid');

  const reading = await registerFetchVerify(corgeaReadingAzp, V2_APP, 2);
  expect(reading.status).toBe(200);
});
