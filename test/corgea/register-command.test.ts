import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';

import { startCorgeaStandIn, type CorgeaStandIn } from '../stand-ins/corgea.js';
import { runCli } from '../support/cli.js';

const ADMIN = 'corgea-admin-key-7c41e0';
const USER = 'corgea-user-key-2b9f13';
const ISSUER = 'https://sts.windows.net/11111111-2222-3333-4444-555555555555/';
const APP = 'aaaaaaaa-0000-0000-0000-000000000001';

/** The environment a CDKTF provisioner gives the command: everything in variables. */
function provisionerEnv(standIn: CorgeaStandIn, extra: Record<string, string> = {}) {
  return {
    CORGEA_ADMIN_TOKEN: ADMIN,
    CORGEA_URL: standIn.url,
    CORGEA_CONFIG_NAME: 'ci-staging',
    CORGEA_CONFIG_ISSUER: ISSUER,
    CORGEA_CONFIG_AUDIENCE: `api://${APP}`,
    CORGEA_CONFIG_ALLOWED_APPLICATION_IDS: APP,
    ...extra,
  };
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

describe('corgea-idp-auth register', () => {
  it(
    'creates from flags, then reports unchanged, ' + 'then updated when the audience changes',
    async () => {
      const flags = [
        'register',
        '--name',
        'ci-staging',
        '--issuer',
        ISSUER,
        '--audience',
        `api://${APP}`,
        '--allowed-application-ids',
        APP,
        '--corgea-url',
        standIn.url,
      ];
      const env = { CORGEA_ADMIN_TOKEN: ADMIN };

      const created = await runCli(flags, env);
      expect(created).toMatchObject({
        code: 0,
        stdout: 'created JWT-auth configuration "ci-staging" (id jac-1)\n',
      });

      const again = await runCli(flags, env);
      expect(again).toMatchObject({
        code: 0,
        stdout: 'unchanged JWT-auth configuration "ci-staging" (id jac-1)\n',
      });

      const changed = await runCli(
        flags.map((arg) => (arg === `api://${APP}` ? 'api://corgea-staging' : arg)),
        env,
      );
      expect(changed).toMatchObject({
        code: 0,
        stdout: 'updated JWT-auth configuration "ci-staging" (id jac-1): audience changed\n',
      });
      expect(standIn.configs()).toEqual([
        {
          id: 'jac-1',
          name: 'ci-staging',
          issuer: ISSUER,
          audience: 'api://corgea-staging',
          allowed_application_ids: [APP],
        },
      ]);
    },
  );

  it(
    'reads the configuration from the environment, application IDs one per line with CRLF, ' +
      'blanks and commas',
    async () => {
      const env = provisionerEnv(standIn, {
        CORGEA_CONFIG_ALLOWED_APPLICATION_IDS: `  ${APP}\r\n\r\n  app-two , app-three\n${APP}\n`,
      });

      const result = await runCli(['register'], env);

      expect(result.code).toBe(0);
      expect(standIn.configs()[0]?.allowed_application_ids).toEqual([APP, 'app-two', 'app-three']);
    },
  );

  it('takes --allowed-application-ids repeated, commas inside, as one list', async () => {
    const result = await runCli(
      [
        'register',
        '--allowed-application-ids',
        `${APP}, app-two`,
        '--allowed-application-ids=app-three',
      ],
      provisionerEnv(standIn),
    );

    expect(result.code).toBe(0);
    expect(standIn.configs()[0]?.allowed_application_ids).toEqual([APP, 'app-two', 'app-three']);
  });

  it(
    'refuses an ID with a space inside with the fix for where it came from, ' + 'no YAML hint',
    async () => {
      const fromVariable = await runCli(
        ['register'],
        provisionerEnv(standIn, { CORGEA_CONFIG_ALLOWED_APPLICATION_IDS: `${APP}\napp two` }),
      );
      const fromFlag = await runCli(
        ['register', '--allowed-application-ids', 'app two'],
        provisionerEnv(standIn),
      );

      expect(fromVariable.code).toBe(2);
      expect(fromVariable.stderr).toContain(
        'Input CORGEA_CONFIG_ALLOWED_APPLICATION_IDS: expected application IDs without ' +
          'spaces inside, found "app two". Fix: put each application ID of ' +
          'CORGEA_CONFIG_ALLOWED_APPLICATION_IDS on its own line, or separate them with commas.',
      );
      expect(fromFlag.code).toBe(2);
      expect(fromFlag.stderr).toContain(
        'Fix: repeat --allowed-application-ids for each application ID, ' +
          'or separate them with commas.',
      );
      expect(fromVariable.stderr + fromFlag.stderr).not.toContain('YAML');
      expect(standIn.requests).toEqual([]);
    },
  );

  it('prefers a flag over its variable', async () => {
    const result = await runCli(['register', '--name', 'from-flag'], provisionerEnv(standIn));

    expect(result.code).toBe(0);
    expect(standIn.configs().map((c) => c.name)).toEqual(['from-flag']);
  });

  it('fails without CORGEA_ADMIN_TOKEN, saying what to set, before any request', async () => {
    const { CORGEA_ADMIN_TOKEN: _, ...env } = provisionerEnv(standIn);

    const result = await runCli(['register'], env);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'Input CORGEA_ADMIN_TOKEN: the environment variable CORGEA_ADMIN_TOKEN is empty or not set',
    );
    expect(result.stderr).toContain(
      'Fix: set CORGEA_ADMIN_TOKEN to an API token of a Corgea user allowed to manage integrations',
    );
    expect(standIn.requests).toEqual([]);
  });

  it.each(['--admin-token', '--corgea-admin-token', '--token'])(
    'refuses the credential as the flag %s without printing it',
    async (flag) => {
      const result = await runCli(['register', `${flag}=${ADMIN}`], provisionerEnv(standIn));

      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`Input ${flag}: a credential on the command line is visible`);
      expect(result.stderr).toContain(
        'put the Corgea credential in the environment variable CORGEA_ADMIN_TOKEN',
      );
      expect(result.stderr).not.toContain(ADMIN);
      expect(standIn.requests).toEqual([]);
    },
  );

  it.each([
    [
      { CORGEA_CONFIG_ISSUER: 'http://sts.windows.net/x/' },
      'Input CORGEA_CONFIG_ISSUER: expected an https URL',
    ],
    [
      { CORGEA_CONFIG_ISSUER: '' },
      'Input --issuer (or CORGEA_CONFIG_ISSUER): the issuer is missing',
    ],
    [
      { CORGEA_CONFIG_ALLOWED_APPLICATION_IDS: ' \r\n , \n' },
      'Input CORGEA_CONFIG_ALLOWED_APPLICATION_IDS: expected at least one application ID',
    ],
    [
      { CORGEA_CONFIG_NAME: '  ' },
      'Input --name (or CORGEA_CONFIG_NAME): the name of the JWT-auth configuration is missing',
    ],
    [
      { CORGEA_CONFIG_AUDIENCE: '' },
      'Input --audience (or CORGEA_CONFIG_AUDIENCE): the audience is missing',
    ],
    [{ CORGEA_URL: 'ftp://corgea.example' }, 'Input CORGEA_URL: expected an https URL'],
  ])('refuses %j naming the variable: %s', async (override, expected) => {
    const result = await runCli(['register'], { ...provisionerEnv(standIn), ...override });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(expected);
    expect(standIn.requests).toEqual([]);
  });

  it('takes the API path from CORGEA_JWT_CONFIG_PATH', async () => {
    const custom = await startCorgeaStandIn({
      adminToken: ADMIN,
      configPath: '/internal/jwt-configs',
    });
    all.push(custom);

    const wrongPath = await runCli(['register'], provisionerEnv(custom));
    expect(wrongPath.code).toBe(8);
    expect(wrongPath.stderr).toContain(
      'Corgea answered 404 to listing the JWT-auth configurations (looking for "ci-staging")',
    );
    expect(wrongPath.stderr).toContain('set CORGEA_JWT_CONFIG_PATH');

    const result = await runCli(
      ['register'],
      provisionerEnv(custom, { CORGEA_JWT_CONFIG_PATH: '/internal/jwt-configs' }),
    );
    expect(result).toMatchObject({
      code: 0,
      stdout: 'created JWT-auth configuration "ci-staging" (id jac-1)\n',
    });
    expect(custom.requests.at(-1)).toEqual({
      method: 'POST',
      path: '/internal/jwt-configs',
      status: 201,
    });
  });
});

describe('corgea-idp-auth deregister', () => {
  it('deletes only the named configuration, then says it is already absent', async () => {
    standIn.add({
      name: 'ci-staging',
      issuer: ISSUER,
      audience: 'api://s',
      allowed_application_ids: [APP],
    });
    const other = standIn.add({
      name: 'ci-production',
      issuer: ISSUER,
      audience: 'api://p',
      allowed_application_ids: [APP],
    });
    const env = {
      CORGEA_ADMIN_TOKEN: ADMIN,
      CORGEA_URL: standIn.url,
      CORGEA_CONFIG_NAME: 'ci-staging',
    };

    const first = await runCli(['deregister'], env);
    expect(first).toMatchObject({
      code: 0,
      stdout: 'deleted JWT-auth configuration "ci-staging" (id jac-1)\n',
    });

    const second = await runCli(['deregister', '--name', 'ci-staging'], env);
    expect(second).toMatchObject({
      code: 0,
      stdout: 'already absent: JWT-auth configuration "ci-staging"\n',
    });
    expect(standIn.configs()).toEqual([other]);
  });

  it('fails without a name, naming the flag and the variable', async () => {
    const result = await runCli(['deregister'], {
      CORGEA_ADMIN_TOKEN: ADMIN,
      CORGEA_URL: standIn.url,
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Input --name (or CORGEA_CONFIG_NAME)');
  });
});

describe('the admin token in output', () => {
  const debug = { CORGEA_AUTH_DEBUG: '1' };

  it('appears nowhere on success, with debug lines and a retry', async () => {
    standIn.failNext(1, { status: 500 });

    const results = [
      await runCli(['register'], provisionerEnv(standIn, debug)),
      await runCli(
        ['register'],
        provisionerEnv(standIn, { ...debug, CORGEA_CONFIG_AUDIENCE: 'api://x' }),
      ),
      await runCli(['deregister'], provisionerEnv(standIn, debug)),
    ];

    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(results[0]?.stderr).toContain('debug: GET 127.0.0.1');
    for (const result of results) expect(result.stdout + result.stderr).not.toContain(ADMIN);
  });

  it('appears nowhere on a 401, a 403 or a refused input', async () => {
    standIn.failNext(1, { status: 401 });
    const results = [
      await runCli(['register'], provisionerEnv(standIn, debug)),
      await runCli(['register'], provisionerEnv(standIn, { ...debug, CORGEA_ADMIN_TOKEN: USER })),
      await runCli(
        ['deregister'],
        provisionerEnv(standIn, { ...debug, CORGEA_JWT_CONFIG_PATH: `https://x.invalid/${ADMIN}` }),
      ),
    ];

    expect(results.map((r) => r.code)).toEqual([8, 8, 2]);
    expect(results[0]?.stderr).toContain('Corgea answered 401');
    expect(results[1]?.stderr).toContain('Corgea answered 403');
    expect(results[0]?.stderr).toContain('lacks the right to manage integrations');
    for (const result of results) expect(result.stdout + result.stderr).not.toContain(ADMIN);
    expect(results[1]?.stdout + (results[1]?.stderr ?? '')).not.toContain(USER);
  });
});

it('lists register and deregister in the usage', async () => {
  const result = await runCli(['--help'], {});

  expect(result.stderr).toMatch(
    /register\s+create or update a Corgea JWT-auth configuration by name/,
  );
  expect(result.stderr).toMatch(/deregister\s+delete the Corgea JWT-auth configuration of a name/);
});
