/**
 * The committed bundles are what `uses:` runs and what other CI systems download: they must be
 * exactly what the sources build to. `.ci/run` refuses a drift too; this says so during
 * `npm test`, with the fix.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { REPO_ROOT } from './e2e/runner.js';

const run = promisify(execFile);

describe('the committed bundles', () => {
  test.each([
    'action/dist/index.cjs',
    'action/dist/licenses.txt',
    'bin/corgea-idp-auth.cjs',
    'bin/licenses.txt',
  ])(
    '%s is what the sources build to (run npm run build and commit it when this fails)',
    async (file) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'bundles-'));
      try {
        await run('node', ['scripts/build.mjs', '--outdir', dir], { cwd: REPO_ROOT });
        const fresh = await readFile(path.join(dir, file), 'utf8');
        const committed = await readFile(path.join(REPO_ROOT, file), 'utf8');
        expect(committed === fresh).toBe(true);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
