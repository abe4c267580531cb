import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { writeOutputs } from '../../action/outputs.js';
import { summaryMarkdown } from '../../action/summary.js';
import { InputError } from '../../src/errors.js';
import type { FetchedToken } from '../../src/fetch-token.js';
import { entraProfile } from '../../src/profiles/entra.js';
import { parseSettings } from '../../src/settings.js';
import { parseFileCommands } from '../e2e/runner.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const inputs: Record<string, string> = {
  'tenant-id': TENANT,
  'client-id': CLIENT_ID,
  'client-secret': 'not-shown-anywhere',
  'output-token': 'true',
  'export-variable': 'CORGEA_TOKEN',
};
const settings = parseSettings((name) => inputs[name] ?? '');

/** A token whose `aud` holds `count` audiences, as a hostile issuer may send. */
function manyAudiences(count: number): FetchedToken {
  const aud = Array.from({ length: count }, (_, i) => `api://audience-${i}`);
  const payload = { iss: 'https://sts.windows.net/t/', aud, appid: CLIENT_ID, ver: '1.0' };
  return {
    accessToken: `header.${'p'.repeat(1500)}.signature`,
    tokenType: 'Bearer',
    expiresIn: 3599,
    expiresAt: new Date(Date.UTC(2030, 0, 1)),
    expirySource: 'expires_in',
    attempts: 1,
    profile: entraProfile(settings),
    payload,
    issuer: payload.iss,
    audience: aud.join(','),
    applicationId: CLIENT_ID,
    applicationIdClaim: 'appid',
  };
}

let dir: string;
const saved = { ...process.env };
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'corgea-outputs-'));
});
afterEach(async () => {
  process.env = { ...saved };
  await rm(dir, { recursive: true, force: true });
});

async function runnerFiles(): Promise<{ output: string; env: string }> {
  const files = { output: path.join(dir, 'output'), env: path.join(dir, 'env') };
  await writeFile(files.output, '');
  await writeFile(files.env, '');
  process.env['GITHUB_OUTPUT'] = files.output;
  process.env['GITHUB_ENV'] = files.env;
  return files;
}

describe('writeOutputs', () => {
  test(
    'without GITHUB_ENV it writes no output at all, ' + 'the token least, and names the variable',
    async () => {
      const files = await runnerFiles();
      delete process.env['GITHUB_ENV'];
      expect(() => writeOutputs(settings, manyAudiences(1))).toThrow(InputError);
      expect(() => writeOutputs(settings, manyAudiences(1))).toThrow(
        /^Input GITHUB_ENV: is not set/,
      );
      expect(await readFile(files.output, 'utf8')).toBe('');
    },
  );

  test('caps the claim outputs at 1,000 characters and never cuts the token', async () => {
    const files = await runnerFiles();
    const token = manyAudiences(100_000);
    writeOutputs(settings, token);
    const outputs = parseFileCommands(await readFile(files.output, 'utf8'));
    const left = token.audience.length - 1000;
    expect(outputs['audience']).toBe(
      `${token.audience.slice(0, 1000)}… ` + `(${left} more characters)`,
    );
    expect(outputs['token']).toBe(token.accessToken);
    expect(parseFileCommands(await readFile(files.env, 'utf8'))['CORGEA_TOKEN']).toBe(
      token.accessToken,
    );
  });
});

describe('the job summary with an audience of 100,000 items', () => {
  test('stays small: each cell is cut at 1,000 characters and says so', () => {
    const md = summaryMarkdown(settings, { token: manyAudiences(100_000) });
    expect(md.length).toBeLessThan(5000);
    expect(md).toMatch(
      /\| Audience \(`aud`\) \| `api:\/\/audience-0,.*… \(\d+ more characters\)` \|/,
    );
  });
});
