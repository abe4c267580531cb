import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';

import type { JwtAuthConfigValues } from '../../src/corgea/jwt-auth-config.js';
import { JwtAuthConfigClient, jwtAuthConfigsUrl } from '../../src/corgea/jwt-auth-configs.js';
import { deregisterJwtAuthConfig, registerJwtAuthConfig } from '../../src/corgea/registration.js';
import { CorgeaError, InputError, ResponseError } from '../../src/errors.js';
import type { RequestContext } from '../../src/http/get-json.js';
import { nodeTransport, type Transport } from '../../src/http/transport.js';
import { Secret } from '../../src/secret.js';
import { startCorgeaStandIn, type CorgeaStandIn } from '../stand-ins/corgea.js';

const ADMIN = 'corgea-admin-key-5f2b9c';
const USER = 'corgea-user-key-81d0aa';

const staging: JwtAuthConfigValues = {
  name: 'ci-staging',
  issuer: 'https://sts.windows.net/11111111-2222-3333-4444-555555555555/',
  audience: 'api://aaaaaaaa-0000-0000-0000-000000000001',
  allowedApplicationIds: ['aaaaaaaa-0000-0000-0000-000000000001'],
};

const debugLines: string[] = [];

/** No waiting between attempts: the retry schedule has its own tests. */
function context(transport: Transport = nodeTransport({ env: {} })): RequestContext {
  return {
    transport,
    clock: { now: () => 0, sleep: async () => undefined, random: () => 0 },
    attempts: 4,
    timeoutMs: 5000,
    debug: (line) => debugLines.push(line),
  };
}

function clientFor(
  standIn: CorgeaStandIn,
  token = ADMIN,
  transport?: Transport,
): JwtAuthConfigClient {
  const base = jwtAuthConfigsUrl(new URL(standIn.url), undefined, 'CORGEA_JWT_CONFIG_PATH');
  return new JwtAuthConfigClient(base, new Secret(token), context(transport));
}

let standIn: CorgeaStandIn;
const all: CorgeaStandIn[] = [];

beforeEach(async () => {
  standIn = await startCorgeaStandIn({ adminToken: ADMIN, userTokens: [USER] });
  all.push(standIn);
});

afterAll(async () => {
  await Promise.all(all.map((s) => s.close()));
});

describe('registerJwtAuthConfig', () => {
  it('creates a missing configuration, then leaves it unchanged on a second run', async () => {
    const client = clientFor(standIn);

    const first = await registerJwtAuthConfig(client, staging);
    expect(first.action).toBe('created');
    expect(standIn.configs()).toEqual([
      {
        id: first.config.id,
        name: 'ci-staging',
        issuer: staging.issuer,
        audience: staging.audience,
        allowed_application_ids: ['aaaaaaaa-0000-0000-0000-000000000001'],
      },
    ]);

    const writesBefore = standIn.requests.filter((r) => r.method !== 'GET').length;
    const second = await registerJwtAuthConfig(client, staging);
    expect(second).toEqual({ action: 'unchanged', config: first.config });
    expect(standIn.requests.filter((r) => r.method !== 'GET').length).toBe(writesBefore);
  });

  it('updates a configuration whose audience differs and names the changed field', async () => {
    const existing = standIn.add({
      name: 'ci-staging',
      issuer: staging.issuer,
      audience: 'api://old-audience',
      allowed_application_ids: [...staging.allowedApplicationIds],
    });

    const outcome = await registerJwtAuthConfig(clientFor(standIn), staging);

    expect(outcome).toMatchObject({ action: 'updated', changed: ['audience'] });
    expect(outcome.config.id).toBe(existing.id);
    expect(standIn.configs()).toHaveLength(1);
    expect(standIn.configs()[0]?.audience).toBe(staging.audience);
  });

  it('treats the same application IDs in another order as unchanged', async () => {
    standIn.add({
      name: 'ci-staging',
      issuer: staging.issuer,
      audience: staging.audience,
      allowed_application_ids: ['id-b', 'id-a'],
    });

    const outcome = await registerJwtAuthConfig(clientFor(standIn), {
      ...staging,
      allowedApplicationIds: ['id-a', 'id-b'],
    });

    expect(outcome.action).toBe('unchanged');
  });

  it('leaves a configuration of another name untouched', async () => {
    const other = standIn.add({
      name: 'ci-production',
      issuer: 'https://sts.windows.net/99999999-2222-3333-4444-555555555555/',
      audience: 'api://production',
      allowed_application_ids: ['prod-app'],
    });

    await registerJwtAuthConfig(clientFor(standIn), staging);
    await registerJwtAuthConfig(clientFor(standIn), { ...staging, audience: 'api://changed' });

    expect(standIn.configs().find((c) => c.name === 'ci-production')).toEqual(other);
  });

  it('succeeds when Corgea answers 500 once, after a retry', async () => {
    standIn.failNext(1, { status: 500 });

    const outcome = await registerJwtAuthConfig(clientFor(standIn), staging);

    expect(outcome.action).toBe('created');
    expect(standIn.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
      'GET 500',
      'GET 200',
      'POST 201',
    ]);
  });

  it('does not create a duplicate when the answer to a create is lost as a 500', async () => {
    standIn.failNext(1, { method: 'POST', status: 500, apply: true });

    const outcome = await registerJwtAuthConfig(clientFor(standIn), staging);

    expect(outcome.action).toBe('created');
    expect(standIn.configs().filter((c) => c.name === 'ci-staging')).toHaveLength(1);
    expect(standIn.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
      'GET 200',
      'POST 500',
      'GET 200',
    ]);
  });

  it(
    'does not create a duplicate when the ' + 'connection drops after the create was applied',
    async () => {
      standIn.failNext(1, { method: 'POST', drop: true, apply: true });

      const outcome = await registerJwtAuthConfig(clientFor(standIn), staging);

      expect(outcome.action).toBe('created');
      expect(standIn.configs()).toHaveLength(1);
    },
  );

  it('creates on the next attempt when a failed create had not been applied', async () => {
    standIn.failNext(1, { method: 'POST', status: 503 });

    const outcome = await registerJwtAuthConfig(clientFor(standIn), staging);

    expect(outcome.action).toBe('created');
    expect(standIn.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
      'GET 200',
      'POST 503',
      'GET 200',
      'POST 201',
    ]);
    expect(standIn.configs()).toHaveLength(1);
  });

  it(
    'reports a 401 with status, operation, ' + 'name and the missing right, and never the token',
    async () => {
      standIn.failNext(1, { status: 401 });

      const error = await registerJwtAuthConfig(clientFor(standIn), staging).catch(
        (e: unknown) => e,
      );

      expect(error).toBeInstanceOf(CorgeaError);
      const { message, status } = error as CorgeaError;
      expect(status).toBe(401);
      expect(message).toContain(
        'Corgea answered 401 to listing the JWT-auth configurations (looking for "ci-staging")',
      );
      expect(message).toContain('CORGEA_ADMIN_TOKEN lacks the right to manage integrations');
      expect(message).not.toContain(ADMIN);
    },
  );

  it('reports a 403 for a credential that may not manage integrations', async () => {
    const error = await registerJwtAuthConfig(clientFor(standIn, USER), staging).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(CorgeaError);
    expect((error as CorgeaError).status).toBe(403);
    expect((error as CorgeaError).message).toMatch(
      /403 .*"ci-staging".*lacks the right to manage integrations/,
    );
    expect((error as CorgeaError).message).not.toContain(USER);
  });

  it(
    'gives up after the attempts when Corgea keeps failing, ' + 'saying it is safe to re-run',
    async () => {
      standIn.failNext(4, { status: 502 });

      const error = await registerJwtAuthConfig(clientFor(standIn), staging).catch(
        (e: unknown) => e,
      );

      expect(error).toBeInstanceOf(CorgeaError);
      expect((error as CorgeaError).message).toContain('Corgea answered 502');
      expect((error as CorgeaError).message).toContain('over 4 attempts');
      expect((error as CorgeaError).fix).toContain('safe to re-run');
      expect(await registerJwtAuthConfig(clientFor(standIn), staging)).toMatchObject({
        action: 'created',
      });
    },
  );

  it('refuses to choose between two configurations of the same name', async () => {
    const a = standIn.add({ ...wire(staging) });
    const b = standIn.add({ ...wire(staging), audience: 'api://other' });

    const error = await registerJwtAuthConfig(clientFor(standIn), staging).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CorgeaError);
    expect((error as CorgeaError).message).toContain(
      `2 JWT-auth configurations named "ci-staging" (ids ${a.id}, ${b.id})`,
    );
  });

  it('sends a JWT-shaped admin credential as a Bearer token', async () => {
    const jwtAdmin = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.c2ln';
    const bearerStandIn = await startCorgeaStandIn({ adminToken: jwtAdmin });
    all.push(bearerStandIn);

    const outcome = await registerJwtAuthConfig(clientFor(bearerStandIn, jwtAdmin), staging);

    expect(outcome.action).toBe('created');
  });
});

describe('JwtAuthConfigClient.update', () => {
  it('says to run again when the configuration vanished between list and update', async () => {
    const gone = standIn.add(wire(staging));
    await clientFor(standIn).delete({ ...staging, id: gone.id });

    const error = await clientFor(standIn)
      .update(gone.id, staging)
      .catch((e: unknown) => e);

    expect((error as CorgeaError).status).toBe(404);
    expect((error as CorgeaError).message).toContain(
      `updating the JWT-auth configuration "ci-staging" (id ${gone.id}): ` +
        `the configuration was deleted`,
    );
    expect((error as CorgeaError).fix).toBe(
      'run register again; it will create the configuration.',
    );
  });
});

describe('deregisterJwtAuthConfig', () => {
  it(
    'deletes only the configuration of that name, ' + 'and finds it absent on a second run',
    async () => {
      const target = standIn.add(wire(staging));
      const other = standIn.add({ ...wire(staging), name: 'ci-production' });

      expect(await deregisterJwtAuthConfig(clientFor(standIn), 'ci-staging')).toEqual({
        action: 'deleted',
        ids: [target.id],
      });
      expect(standIn.configs()).toEqual([other]);
      expect(await deregisterJwtAuthConfig(clientFor(standIn), 'ci-staging')).toEqual({
        action: 'absent',
      });
      expect(standIn.configs()).toEqual([other]);
    },
  );

  it('deletes every duplicate of the name', async () => {
    standIn.add(wire(staging));
    standIn.add(wire(staging));

    const outcome = await deregisterJwtAuthConfig(clientFor(standIn), 'ci-staging');

    expect(outcome).toMatchObject({ action: 'deleted' });
    expect(standIn.configs()).toEqual([]);
  });

  it('counts a delete whose answer was lost as done', async () => {
    standIn.add(wire(staging));
    standIn.failNext(1, { method: 'DELETE', status: 500, apply: true });

    const outcome = await deregisterJwtAuthConfig(clientFor(standIn), 'ci-staging');

    expect(outcome).toEqual({ action: 'absent' });
    expect(standIn.configs()).toEqual([]);
    expect(standIn.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
      'GET 200',
      'DELETE 500',
      'DELETE 404',
    ]);
  });
});

describe('JwtAuthConfigClient responses', () => {
  const base = new URL('http://127.0.0.1:9/api/v1/jwt-auth-configs');
  const answering =
    (status: number, body: string): Transport =>
    async () => ({ status, headers: {}, body });

  it("quotes Corgea's short reason but blanks the credential if Corgea echoes it", async () => {
    const body = JSON.stringify({ detail: `token ${ADMIN} may not list`, debug: 'x'.repeat(5000) });
    const client = new JwtAuthConfigClient(base, new Secret(ADMIN), context(answering(400, body)));

    const error = await client.list('ci-staging').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CorgeaError);
    expect((error as Error).message).toContain('Corgea said: "token *** may not list"');
    expect((error as Error).message).not.toContain(ADMIN);
    expect((error as Error).message).not.toContain('xxxxx');
  });

  it('says the path may be wrong when Corgea answers 404 to the list', async () => {
    const client = new JwtAuthConfigClient(base, new Secret(ADMIN), context(answering(404, '{}')));

    const error = await client.list('ci-staging').catch((e: unknown) => e);

    expect((error as CorgeaError).status).toBe(404);
    expect((error as CorgeaError).fix).toContain('CORGEA_JWT_CONFIG_PATH');
  });

  it('refuses a list response without a configs array', async () => {
    const client = new JwtAuthConfigClient(
      base,
      new Secret(ADMIN),
      context(answering(200, '{"items":[]}')),
    );

    await expect(client.list('ci-staging')).rejects.toThrow(ResponseError);
  });

  it('refuses a configuration whose allowed_application_ids is not a list of strings', async () => {
    const body = JSON.stringify({
      configs: [{ id: 1, name: 'a', issuer: 'b', audience: 'c', allowed_application_ids: 'd' }],
    });
    const client = new JwtAuthConfigClient(base, new Secret(ADMIN), context(answering(200, body)));

    await expect(client.list('ci-staging')).rejects.toThrow(
      /"allowed_application_ids" is not a list of strings/,
    );
  });
});

describe('jwtAuthConfigsUrl', () => {
  const corgea = new URL('https://acme.corgea.app');

  it('keeps a Corgea URL with a path of its own as the prefix', () => {
    const behindPath = new URL('https://corp.example/corgea');
    expect(jwtAuthConfigsUrl(behindPath, undefined, 'CORGEA_JWT_CONFIG_PATH').href).toBe(
      'https://corp.example/corgea/api/v1/jwt-auth-configs',
    );
    expect(() =>
      jwtAuthConfigsUrl(behindPath, '/api/%2e%2e/%2e%2e/admin', 'CORGEA_JWT_CONFIG_PATH'),
    ).toThrow(InputError);
  });

  it('puts the default path below the Corgea URL', () => {
    expect(jwtAuthConfigsUrl(corgea, undefined, 'CORGEA_JWT_CONFIG_PATH').href).toBe(
      'https://acme.corgea.app/api/v1/jwt-auth-configs',
    );
  });

  it('takes an overriding path with or without its leading slash', () => {
    expect(jwtAuthConfigsUrl(corgea, 'api/v2/jwt', 'CORGEA_JWT_CONFIG_PATH').href).toBe(
      'https://acme.corgea.app/api/v2/jwt',
    );
  });

  it.each([
    'https://elsewhere.example/api',
    '//elsewhere.example/api',
    '/api/../../x',
    '/api?x=1',
    '/api/%2e%2e/%2e%2e/admin',
    '/api/%2E%2e/x',
  ])('refuses the path %s, which could send the credential elsewhere', (path) => {
    expect(() => jwtAuthConfigsUrl(corgea, path, 'CORGEA_JWT_CONFIG_PATH')).toThrow(InputError);
  });
});

function wire(values: JwtAuthConfigValues) {
  return {
    name: values.name,
    issuer: values.issuer,
    audience: values.audience,
    allowed_application_ids: [...values.allowedApplicationIds],
  };
}
