/**
 * End to end: the built command line (`npm run build` first) run by `sh` as another CI system
 * runs it: the token step of examples/gitlab-ci.yml, as written, and the bundle's token command
 * against the Entra and Corgea stand-ins.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

import { REPO_ROOT } from '../e2e/runner.js';
import type { CorgeaStandIn } from '../stand-ins/corgea.js';
import type { EntraStandIn } from '../stand-ins/entra.js';
import { startTokenPeers, type TokenPeers } from './token-peers.js';

const BUNDLE = path.join(REPO_ROOT, 'bin/corgea-idp-auth.cjs');
const TENANT = '8e4d5f60-7182-4d9e-8fa0-213c4d5e6f70';
const APP = 'e5e5e5e5-0000-4000-8000-000000000005';
const SECRET = 'Bundle~token.Secret+4b8';

let entra: EntraStandIn;
let corgea: CorgeaStandIn;
let peers: TokenPeers | undefined;

beforeAll(async () => {
  peers = await startTokenPeers(TENANT, APP, SECRET);
  ({ entra, corgea } = peers);
});

afterAll(async () => {
  await peers?.close();
});

function sh(script: string, env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      '/bin/sh',
      ['-c', script],
      { cwd: tmpdir(), env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The script line of examples/gitlab-ci.yml that runs `token`, pointed at the built bundle. */
function exampleTokenStep(): string {
  const example = parse(readFileSync(path.join(REPO_ROOT, 'examples/gitlab-ci.yml'), 'utf8')) as {
    'corgea-scan': { script: string[] };
  };
  const step = example['corgea-scan'].script.find((line) => / token /.test(line));
  if (!step) throw new Error('examples/gitlab-ci.yml has no token step');
  return step.replaceAll('/tmp/corgea-idp-auth/bin/corgea-idp-auth.cjs', BUNDLE);
}

describe("the example's token step", () => {
  const after = '\necho "scan runs with ${#CORGEA_TOKEN} characters"\n';

  it('stops the job with the exit code of a failed fetch; the scan does not run', async () => {
    const run = await sh(exampleTokenStep() + after, {
      CORGEA_URL: corgea.url,
      CORGEA_CLIENT_ID: APP,
      CORGEA_CLIENT_SECRET: SECRET,
    });

    expect(run.stderr).toContain('error: Input tenant-id: is required for provider entra');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
  });

  it('where export NAME="$(…)" would have gone on with an empty token', async () => {
    const run = await sh(
      `export CORGEA_TOKEN="$(node ${BUNDLE} token --client-id ${APP})"${after}`,
      {
        CORGEA_CLIENT_SECRET: SECRET,
      },
    );

    expect(run.code).toBe(0);
    expect(run.stdout).toBe('scan runs with 0 characters\n');
  });
});

describe('the built token command', () => {
  it('checks, verifies and prints the token for the next step', async () => {
    const run = await sh(
      'CORGEA_TOKEN="$(node "$BUNDLE" token --tenant-id "$TENANT" --authority-host "$AUTHORITY" ' +
        '--client-id "$APP" --corgea-url "$CORGEA_URL")" || exit\nexport CORGEA_TOKEN\n' +
        'sh -c \'echo "${CORGEA_TOKEN%%.*}" | cut -c1-3\'',
      {
        BUNDLE,
        TENANT,
        AUTHORITY: entra.authority,
        APP,
        CORGEA_URL: corgea.url,
        CORGEA_CLIENT_SECRET: SECRET,
      },
    );

    expect(run.code).toBe(0);
    expect(run.stdout).toBe('eyJ\n');
    expect(run.stderr).toContain('match the expected Corgea configuration');
    expect(run.stderr).toContain('accepts the token');
    expect(run.stderr).not.toContain(SECRET);
    expect(corgea.verifications.at(-1)).toMatchObject({ accepted: true, configuration: 'ci' });
  });
});
