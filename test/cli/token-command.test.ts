/**
 * `corgea-idp-auth token` does what the action does: fetch, claim check, Corgea's verify call,
 * and only then the token on stdout. Entra is the Entra stand-in, Corgea the Corgea stand-in.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { REPO_ROOT } from '../e2e/runner.js';
import { startCorgeaStandIn, type CorgeaStandIn } from '../stand-ins/corgea.js';
import type { EntraStandIn } from '../stand-ins/entra.js';
import { runCli } from '../support/cli.js';
import { findLeaks } from '../support/leaks.js';
import { startTokenPeers, type TokenPeers } from './token-peers.js';

const TENANT = '6c2b3d4e-5f60-4b7c-8d9e-0f1a2b3c4d5e';
const APP = 'c3c3c3c3-0000-4000-8000-000000000003';
const SECRET = 'Token~cli.Secret+&=% 9f2';
const JWT = /^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

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

async function token(args: string[], env: Record<string, string> = {}) {
  const verifiesBefore = corgea.verifications.length;
  const keysBefore = entra.requests.filter((r) => r.path.includes('/keys')).length;
  const { code, stdout, stderr } = await runCli(
    [
      'token',
      '--tenant-id',
      TENANT,
      '--authority-host',
      entra.authority,
      '--client-id',
      APP,
      '--corgea-url',
      corgea.url,
      ...args,
    ],
    { CORGEA_CLIENT_SECRET: SECRET, ...env },
  );
  expect(findLeaks({ stdout, stderr }, { 'client secret': SECRET })).toEqual([]);
  return {
    code,
    stdout,
    stderr,
    verifications: corgea.verifications.slice(verifiesBefore),
    keyRequests: entra.requests.filter((r) => r.path.includes('/keys')).length - keysBefore,
  };
}

describe('corgea-idp-auth token', () => {
  it('checks the claims and asks Corgea by default, then prints the token alone', async () => {
    const run = await token([]);

    expect(run.code).toBe(0);
    expect(run.stdout.endsWith('\n')).toBe(true);
    expect(run.stdout.trimEnd()).toMatch(JWT);
    expect(run.stderr).toContain('match the expected Corgea configuration');
    expect(run.stderr).toContain(`Corgea at ${new URL(corgea.url).host} accepts the token.`);
    expect(run.verifications).toEqual([
      { accepted: true, reason: expect.any(String), configuration: 'ci' },
    ]);
  });

  it(
    'prints nothing and does not ask Corgea when ' + 'a claim differs from the expectation, exit 7',
    async () => {
      const run = await token(['--expected-audience', APP]);

      expect(run.code).toBe(7);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(`error: Claim aud: found "api://${APP}", expected "${APP}".`);
      expect(run.verifications).toEqual([]);
    },
  );

  it('prints nothing when Corgea refuses the token, exit 8 with the diagnosis', async () => {
    const other = await startCorgeaStandIn({ adminToken: 'admin-not-used-here' });
    try {
      const run = await token(['--corgea-url', other.url]);

      expect(run.code).toBe(8);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('error: Corgea refused the token at');
      expect(run.stderr).toContain('passed the check against the expected configuration here');
    } finally {
      await other.close();
    }
  });

  it(
    'with --verify false checks the claims (one ' + 'key-set request) without asking Corgea',
    async () => {
      const run = await token(['--verify', 'false']);

      expect(run.code).toBe(0);
      expect(run.stderr).toContain('match the expected Corgea configuration');
      expect(run.keyRequests).toBe(1);
      expect(run.verifications).toEqual([]);
    },
  );

  it(
    'skips both checks with --check-claims false ' + '--verify false, as the action inputs do',
    async () => {
      const run = await token(['--check-claims', 'false', '--verify', 'false']);

      expect(run.code).toBe(0);
      expect(run.stdout.trimEnd()).toMatch(JWT);
      expect(run.keyRequests).toBe(0);
      expect(run.verifications).toEqual([]);
      expect(run.stderr).not.toContain('match the expected Corgea configuration');
    },
  );

  it('refuses a --verify that is not true or false before any request, exit 2', async () => {
    const requests = entra.requests.length;
    const run = await token(['--verify', 'yes']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: Input --verify: expected true or false.');
    expect(entra.requests.length).toBe(requests);
  });

  it(
    'takes the allowed application IDs repeated ' + 'or comma-separated, and the issuer to expect',
    async () => {
      const listed = await token([
        '--allowed-application-ids',
        'other-app, third-app',
        '--allowed-application-ids',
        APP,
        '--expected-issuer',
        entra.issuer(TENANT, 1),
      ]);
      expect(listed.code).toBe(0);

      const missing = await token(['--allowed-application-ids', 'other-app,third-app']);
      expect(missing.code).toBe(7);
      expect(missing.stderr).toContain('expected one of "other-app", "third-app"');

      const spaced = await token(['--allowed-application-ids', 'other app']);
      expect(spaced.code).toBe(2);
      expect(spaced.stderr).toContain(
        'Fix: repeat --allowed-application-ids for each application ID, ' +
          'or separate them with commas.',
      );
      expect(spaced.stderr).not.toContain('YAML');
    },
  );

  it(
    '--format env writes NAME=value lines for ' + 'the token and CORGEA_URL, one line each',
    async () => {
      const run = await token(['--format', 'env', '--export-variable', 'SCAN_TOKEN']);

      expect(run.code).toBe(0);
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^SCAN_TOKEN=eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(lines[1]).toBe(`CORGEA_URL=${corgea.url}`);
    },
  );
});

describe('corgea-idp-auth token --help', () => {
  async function help(): Promise<string> {
    const run = await runCli(['token', '--help']);
    expect(run.code).toBe(0);
    return run.stderr;
  }

  it("lists every action input the command takes, and the command line's own options", async () => {
    const listed = [...(await help()).matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]!);
    const manifest = parse(readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    // The secret comes from the environment; summary and output-token are the runner's.
    const taken = Object.keys(manifest.inputs).filter(
      (name) => !['client-secret', 'summary', 'output-token'].includes(name),
    );
    const own = ['client-secret-env', 'client-secret-stdin', 'format'];

    expect([...listed].sort()).toEqual([...taken, ...own].sort());
  });

  it('lists no option that the command would refuse as unknown', async () => {
    const listed = [...(await help()).matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]!);
    for (const name of listed) {
      const { stderr } = await runCli(['token', `--${name}`]);
      expect({ name, unknown: stderr.includes('is not an option') }).toEqual({
        name,
        unknown: false,
      });
    }
  });

  it('says the env lines are for a dotenv file or GITHUB_ENV, never for eval', async () => {
    expect(await help()).toMatch(/for a dotenv file or >> "\$GITHUB_ENV",\s+never for eval/);
  });
});
