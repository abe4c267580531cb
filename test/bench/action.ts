// The action's start-up, token fetch, size and memory, each against a baseline run beside it.
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

import { compare, report, runOnce } from './measure.js';

const BUNDLE = 'action/dist/index.cjs';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const SECRET = 'bench~secret+value';

/** A loopback token endpoint answering like Entra's v2.0 endpoint, as fast as it can. */
function startTokenServer(): Promise<Server> {
  const claims = {
    iss: `https://sts.windows.net/${TENANT}/`,
    aud: `api://${CLIENT_ID}`,
    appid: CLIENT_ID,
    ver: '1.0',
  };
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const token = `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${'s'.repeat(342)}`;
  const body = JSON.stringify({
    token_type: 'Bearer',
    expires_in: 3599,
    ext_expires_in: 3599,
    access_token: token,
  });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function actionEnv(dir: string, inputs: Record<string, string>): Record<string, string> {
  const files = Object.fromEntries(
    ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_STEP_SUMMARY'].map((name) => {
      const path = join(dir, name.toLowerCase());
      writeFileSync(path, '');
      return [name, path];
    }),
  );
  const env: Record<string, string> = { ...files, RUNNER_TEMP: dir };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}

export async function benchAction({ rounds }: { rounds: number }): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-action-'));
  const server = await startTokenServer();
  const port = (server.address() as AddressInfo).port;
  let ok = true;
  try {
    const badInput = actionEnv(dir, {
      provider: 'entra',
      'client-id': CLIENT_ID,
      'client-secret': SECRET,
      'tenant-id': 'not a tenant',
    });
    const fetchInputs = actionEnv(dir, {
      provider: 'entra',
      'tenant-id': TENANT,
      'authority-host': `http://127.0.0.1:${port}`,
      'client-id': CLIENT_ID,
      'client-secret': SECRET,
      'export-variable': 'CORGEA_TOKEN',
      'corgea-url': 'https://www.corgea.app',
      'output-token': 'true',
      attempts: '4',
      'timeout-seconds': '15',
      'check-claims': 'false',
      verify: 'false',
      summary: 'false',
    });
    const url = `http://127.0.0.1:${port}/${TENANT}/oauth2/v2.0/token`;
    const form =
      `grant_type=client_credentials&client_id=${CLIENT_ID}` +
      `&client_secret=${encodeURIComponent(SECRET)}` +
      `&scope=${encodeURIComponent(`api://${CLIENT_ID}/.default`)}`;

    const first = await runOnce(['node', BUNDLE], { env: badInput });
    if (first.code === 0)
      throw new Error('the bad-input run succeeded; the benchmark measures the wrong path');
    const fetched = await runOnce(['node', BUNDLE], { env: fetchInputs });
    if (fetched.code !== 0)
      throw new Error('the token fetch run failed; run it by hand to see why');

    const t = await compare(
      {
        nodeBare: async () => (await runOnce(['node', '-e', '0'])).ms,
        inputError: async () => (await runOnce(['node', BUNDLE], { env: badInput })).ms,
        curl: async () =>
          (await runOnce(['curl', '-s', '-o', '/dev/null', '-X', 'POST', '--data', form, url])).ms,
        tokenFetch: async () => (await runOnce(['node', BUNDLE], { env: fetchInputs })).ms,
      },
      { rounds },
    );
    ok = report('start to first input error / node -e 0', t.inputError, t.nodeBare, 1.25) && ok;
    ok = report('token fetch / (node -e 0 + curl)', t.tokenFetch, t.nodeBare + t.curl, 1.3) && ok;

    const bytes = statSync(BUNDLE).size;
    console.log(`${'bundle size'.padEnd(44)} ${(bytes / 1024).toFixed(1)} KiB (${BUNDLE})`);
    const peaks: number[] = [];
    for (let i = 0; i < 5; i++)
      peaks.push(
        (await runOnce(['node', BUNDLE], { env: fetchInputs, measureMemory: true })).peakRss ?? 0,
      );
    const bare = (await runOnce(['node', '-e', '0'], { measureMemory: true })).peakRss ?? 0;
    const peakMiB = Math.max(...peaks) / 1024 / 1024;
    const verdict = peakMiB < 46 ? 'meets' : 'MISSES';
    console.log(
      `${'peak memory of a token fetch'.padEnd(44)} ${peakMiB.toFixed(1)} MiB ` +
        `(node -e 0: ${(bare / 1024 / 1024).toFixed(1)} MiB)  target < 46 MiB  ${verdict}`,
    );
    ok = peakMiB < 46 && ok;
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return ok;
}
