import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { startCorgeaStandIn, type CorgeaStandIn } from '../stand-ins/corgea.js';
import { startTestIssuer, type TestIssuer } from './test-issuer.js';

const ADMIN = 'corgea-admin-key-0e77d4';
const APP = 'aaaaaaaa-0000-0000-0000-000000000001';
const AUDIENCE = `api://${APP}`;

let issuer: TestIssuer;
let impostor: TestIssuer;
let standIn: CorgeaStandIn;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  // Each registered as it starts, so that a failed start still stops the ones before it.
  issuer = await startTestIssuer('/tenant-1');
  closers.push(issuer.close);
  impostor = await startTestIssuer('/tenant-1');
  closers.push(impostor.close);
  standIn = await startCorgeaStandIn({
    adminToken: ADMIN,
    configs: [
      {
        name: 'ci-staging',
        issuer: issuer.issuer,
        audience: AUDIENCE,
        allowed_application_ids: [APP],
      },
    ],
  });
  closers.push(standIn.close);
});

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

async function verify(target: CorgeaStandIn, headers: Record<string, string>, query = '') {
  const response = await fetch(`${target.url}/api/v1/verify${query}`, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('the stand-in verify endpoint', () => {
  it(
    'accepts a token signed by its issuer whose iss, ' + 'aud and appid match a configuration',
    async () => {
      const token = await issuer.sign({ aud: AUDIENCE, appid: APP, ver: '1.0' });

      expect(await verify(standIn, bearer(token))).toEqual({ status: 200, body: { status: 'ok' } });
      expect(standIn.verifications.at(-1)).toMatchObject({
        accepted: true,
        configuration: 'ci-staging',
      });
    },
  );

  it('adds who the token belongs to with user_info=true', async () => {
    const token = await issuer.sign({ aud: AUDIENCE, appid: APP, sub: 'sp-object-id' });

    expect(await verify(standIn, bearer(token), '?user_info=true')).toEqual({
      status: 200,
      body: {
        status: 'ok',
        user_info: {
          kind: 'jwt',
          configuration: 'ci-staging',
          issuer: issuer.issuer,
          application_id: APP,
          subject: 'sp-object-id',
        },
      },
    });
  });

  it('accepts the calling app in cid, as Okta puts it', async () => {
    const token = await issuer.sign({ aud: AUDIENCE, cid: APP });

    expect((await verify(standIn, bearer(token))).status).toBe(200);
  });

  it('accepts an aud list that contains the audience', async () => {
    const token = await issuer.sign({ aud: ['api://something-else', AUDIENCE], appid: APP });

    expect((await verify(standIn, bearer(token))).status).toBe(200);
  });

  it.each([
    ['an audience that differs', { aud: 'api://other', appid: APP }, /has audience api:\/\/other/],
    [
      'an application that is not allowed',
      { aud: AUDIENCE, appid: 'someone-else' },
      /allows appid someone-else/,
    ],
    [
      'only azp (v2), which Corgea is not known to read',
      { aud: AUDIENCE, azp: APP },
      /none of the claims appid, cid/,
    ],
    ['an expired token', { aud: AUDIENCE, appid: APP, exp: 1_000_000_000 }, /ERR_JWT_EXPIRED/],
  ])('answers 401 {"status":"error"} for %s', async (_, claims, reason) => {
    const token = await issuer.sign(claims);

    expect(await verify(standIn, bearer(token))).toEqual({
      status: 401,
      body: { status: 'error' },
    });
    expect(standIn.verifications.at(-1)?.reason).toMatch(reason);
  });

  it('answers 401 for an issuer with a trailing slash the configuration lacks', async () => {
    const token = await issuer.sign({ iss: `${issuer.issuer}/`, aud: AUDIENCE, appid: APP });

    expect((await verify(standIn, bearer(token))).status).toBe(401);
    expect(standIn.verifications.at(-1)?.reason).toBe(
      `no configuration has the issuer ${issuer.issuer}/`,
    );
  });

  it('answers 401 for a token with the right claims signed by another key', async () => {
    const token = await impostor.sign({ iss: issuer.issuer, aud: AUDIENCE, appid: APP });

    expect((await verify(standIn, bearer(token))).status).toBe(401);
    expect(standIn.verifications.at(-1)?.reason).toMatch(
      /does not verify: ERR_JWS_SIGNATURE_VERIFICATION_FAILED/,
    );
  });

  it(
    'answers 401 without a credential and for an unknown API key, ' + '200 for a known one',
    async () => {
      expect((await verify(standIn, {})).status).toBe(401);
      expect((await verify(standIn, { 'CORGEA-TOKEN': 'unknown-key-1234' })).status).toBe(401);
      expect(await verify(standIn, { 'CORGEA-TOKEN': ADMIN })).toEqual({
        status: 200,
        body: { status: 'ok' },
      });
    },
  );

  it('counts azp when told to model a Corgea that reads it', async () => {
    const reading = await startCorgeaStandIn({
      adminToken: ADMIN,
      applicationIdClaims: ['appid', 'cid', 'azp'],
      configs: [
        { name: 'v2', issuer: issuer.issuer, audience: APP, allowed_application_ids: [APP] },
      ],
    });
    closers.push(reading.close);
    const token = await issuer.sign({ aud: APP, azp: APP, ver: '2.0' });

    expect((await verify(reading, bearer(token))).status).toBe(200);
  });

  it('takes the keys from keysFor instead of discovery when given', async () => {
    const asked: string[] = [];
    const mapped = await startCorgeaStandIn({
      adminToken: ADMIN,
      keysFor: (iss) => {
        asked.push(iss);
        return impostor.jwksUrl;
      },
      configs: [
        {
          name: 'mapped',
          issuer: issuer.issuer,
          audience: AUDIENCE,
          allowed_application_ids: [APP],
        },
      ],
    });
    closers.push(mapped.close);

    const signedByImpostor = await impostor.sign({ iss: issuer.issuer, aud: AUDIENCE, appid: APP });

    expect((await verify(mapped, bearer(signedByImpostor))).status).toBe(200);
    expect(asked).toEqual([issuer.issuer]);
  });

  it(
    'maps an Entra v1 issuer to its metadata on the authority host, ' +
      'and fetches it only from loopback',
    async () => {
      const entraIssuer = 'https://sts.windows.net/11111111-2222-3333-4444-555555555555/';
      const entra = await startCorgeaStandIn({
        adminToken: ADMIN,
        configs: [
          {
            name: 'entra',
            issuer: entraIssuer,
            audience: AUDIENCE,
            allowed_application_ids: [APP],
          },
        ],
      });
      closers.push(entra.close);
      const token = await issuer.sign({ iss: entraIssuer, aud: AUDIENCE, appid: APP });

      expect((await verify(entra, bearer(token))).status).toBe(401);
      expect(entra.verifications.at(-1)?.reason).toBe(
        `the keys of ${entraIssuer} could not be found: ` +
          `the stand-in fetches metadata from loopback ` +
          'hosts only, not login.microsoftonline.com',
      );
    },
  );
});
