import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, expect, it } from '@jest/globals';

import { startCorgeaStandIn, type CorgeaStandIn } from '../stand-ins/corgea.js';

// The bundle `npm run build` writes; this test runs it as Terraform's local-exec would.
const BUNDLE = fileURLToPath(new URL('../../bin/corgea-idp-auth.cjs', import.meta.url));
const ADMIN = 'corgea-admin-key-3a9e51';

let standIn: CorgeaStandIn;

beforeAll(async () => {
  standIn = await startCorgeaStandIn({ adminToken: ADMIN });
});

afterAll(async () => {
  await standIn.close();
});

function runBundle(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [BUNDLE, ...args],
      { cwd: tmpdir(), env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

it(
  'the built command line registers, re-registers ' + 'and deregisters from the environment',
  async () => {
    expect(existsSync(BUNDLE) && readFileSync(BUNDLE, 'utf8').includes('already absent')).toBe(
      true,
    );
    const env = {
      CORGEA_ADMIN_TOKEN: ADMIN,
      CORGEA_URL: standIn.url,
      CORGEA_CONFIG_NAME: 'ci-staging',
      CORGEA_CONFIG_ISSUER: 'https://sts.windows.net/11111111-2222-3333-4444-555555555555/',
      CORGEA_CONFIG_AUDIENCE: 'api://aaaaaaaa-0000-0000-0000-000000000001',
      CORGEA_CONFIG_ALLOWED_APPLICATION_IDS: 'aaaaaaaa-0000-0000-0000-000000000001\n',
    };

    const results = [
      await runBundle(['register'], env),
      await runBundle(['register'], env),
      await runBundle(['deregister'], env),
      await runBundle(['deregister'], env),
      await runBundle(['register'], { ...env, CORGEA_ADMIN_TOKEN: '' }),
    ];

    expect(results.map((r) => [r.code, r.stdout])).toEqual([
      [0, 'created JWT-auth configuration "ci-staging" (id jac-1)\n'],
      [0, 'unchanged JWT-auth configuration "ci-staging" (id jac-1)\n'],
      [0, 'deleted JWT-auth configuration "ci-staging" (id jac-1)\n'],
      [0, 'already absent: JWT-auth configuration "ci-staging"\n'],
      [2, ''],
    ]);
    expect(results[4]?.stderr).toContain('set CORGEA_ADMIN_TOKEN');
    for (const result of results) expect(result.stdout + result.stderr).not.toContain(ADMIN);
    expect(standIn.configs()).toEqual([]);
  },
);
