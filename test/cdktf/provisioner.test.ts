/**
 * The example stack's Corgea registration run for real: synthesize the stack, read the
 * `terraform_data` provisioners from the JSON, and run their commands as Terraform's local-exec
 * would (`/bin/sh -c COMMAND` from the stack's folder, its environment plus the provisioner's,
 * `${self.input.…}` resolved from the resource's input) against the Corgea stand-in, in the order
 * Terraform runs them for a create, a changed audience and a destroy.
 *
 * Terraform is not run (it would need the azuread provider and an Azure tenant): the references
 * in `input` are resolved from a state this test writes down, the values an apply would give.
 * Needs the command line bundle: `npm run build`.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { App } from 'cdktf';

import { CorgeaBootstrapStack } from '../../cdktf/bootstrap-stack.js';
import { DEFAULT_ATTEMPTS } from '../../src/settings.js';
import { startCorgeaStandIn, type CorgeaStandIn } from '../stand-ins/corgea.js';

type Json = Record<string, any>;

const ADMIN_TOKEN = 'corgea-admin-4f1c9e2b7d';
const BUNDLE = path.resolve('bin/corgea-idp-auth.cjs');
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_IDS: Record<string, string> = {
  staging: '11111111-2222-3333-4444-555555555555',
  production: '66666666-7777-8888-9999-000000000000',
};

let corgea: CorgeaStandIn;
let outdir: string;
let stackDir: string;
let json: Json;

beforeAll(async () => {
  expect(existsSync(BUNDLE)).toBe(true); // npm run build writes it
  corgea = await startCorgeaStandIn({
    adminToken: ADMIN_TOKEN,
    configs: [
      {
        name: 'other-team',
        issuer: 'https://issuer.example/',
        audience: 'a',
        allowed_application_ids: ['x'],
      },
    ],
  });
  outdir = await mkdtemp(path.join(tmpdir(), 'cdktf-provisioners-'));

  // The admin credential is in the environment while synthesizing, as on a deploying machine.
  const saved = process.env['CORGEA_ADMIN_TOKEN'];
  process.env['CORGEA_ADMIN_TOKEN'] = ADMIN_TOKEN;
  try {
    const app = new App({ outdir });
    new CorgeaBootstrapStack(app, 'corgea-bootstrap', { corgeaUrl: corgea.url });
    app.synth();
  } finally {
    if (saved === undefined) delete process.env['CORGEA_ADMIN_TOKEN'];
    else process.env['CORGEA_ADMIN_TOKEN'] = saved;
  }
  stackDir = path.join(outdir, 'stacks', 'corgea-bootstrap');
  json = JSON.parse(readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as Json;
});

afterAll(async () => {
  await corgea?.close();
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

/** What an apply would have put in state for the attributes the inputs refer to. */
function applyState(audienceOverride?: string): Record<string, string> {
  const state: Record<string, string> = {};
  for (const [type, byName] of Object.entries(json['resource'] as Json)) {
    for (const name of Object.keys(byName as Json)) {
      const environment = name.split('_')[0]!;
      const clientId = CLIENT_IDS[environment];
      if (type === 'azuread_application') state[`${type}.${name}.client_id`] = clientId!;
      if (type === 'azuread_application_identifier_uri') {
        state[`${type}.${name}.identifier_uri`] = audienceOverride ?? `api://${clientId}`;
      }
    }
  }
  for (const name of Object.keys(json['data']['azuread_client_config'] as Json)) {
    state[`data.azuread_client_config.${name}.tenant_id`] = TENANT;
  }
  return state;
}

/** Resolves `${address}` references in a string the way Terraform would from `state`. */
function resolve(value: unknown, state: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(item, state));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, state)]));
  }
  if (typeof value !== 'string') return value;
  return value.replace(/\$\{([^}]*)\}/g, (_, address: string) => {
    const found = state[address];
    if (found === undefined) throw new Error(`the test's state has no value for ${address}`);
    return found;
  });
}

/** The value Terraform gives a provisioner's environment entry: only `self.input` references. */
function resolveSelf(template: string, input: Json): string {
  const join = /^\$\{join\("\\n", self\.input\.(\w+)\)\}$/.exec(template);
  if (join) return (input[join[1]!] as string[]).join('\n');
  const plain = /^\$\{self\.input\.(\w+)\}$/.exec(template);
  if (plain) return String(input[plain[1]!]);
  throw new Error(`unexpected provisioner expression ${template}`);
}

interface Provisioned {
  readonly resource: string;
  readonly input: Json;
  readonly triggers: Json;
  readonly when: 'create' | 'destroy';
  readonly command: string;
  readonly environment: Record<string, string>;
}

/** The environment's terraform_data resources with their inputs resolved from `state`. */
function provisioners(environment: string, state: Record<string, string>): Provisioned[] {
  return Object.entries(json['resource']['terraform_data'] as Json)
    .filter(([name]) => name.startsWith(`${environment}-`))
    .flatMap(([name, resource]) => {
      const input = resolve((resource as Json)['input'], state) as Json;
      const triggers = resolve((resource as Json)['triggers_replace'], state) as Json;
      return ((resource as Json)['provisioner'] as Json[]).map((entry) => {
        const exec = entry['local-exec'] as Json;
        const env = Object.fromEntries(
          Object.entries(exec['environment'] as Record<string, string>).map(([k, v]) => [
            k,
            resolveSelf(v, input),
          ]),
        );
        return {
          resource: name,
          input,
          triggers,
          when: exec['when'],
          command: exec['command'],
          environment: env,
        };
      });
    });
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a provisioner as local-exec does: `/bin/sh -c`, from the stack's folder. */
function runProvisioner(provisioner: Provisioned, adminToken = ADMIN_TOKEN): Promise<Run> {
  return new Promise((resolvePromise) => {
    execFile(
      '/bin/sh',
      ['-c', provisioner.command],
      {
        cwd: stackDir,
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: process.env['HOME'] ?? '',
          CORGEA_ADMIN_TOKEN: adminToken,
          ...provisioner.environment,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) =>
        resolvePromise({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function the(environment: string, when: 'create' | 'destroy', state = applyState()): Provisioned {
  const found = provisioners(environment, state).filter((p) => p.when === when);
  expect(found).toHaveLength(1);
  return found[0]!;
}

function expectClean(run: Run): void {
  expect(run.stdout + run.stderr).not.toContain(ADMIN_TOKEN);
}

describe('the synthesized registration', () => {
  test('the admin credential and the client secret appear nowhere in the synthesized files', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((entry) => {
        const full = path.join(dir, entry);
        return statSync(full).isDirectory() ? files(full) : [full];
      });
    for (const file of files(outdir)) {
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain(ADMIN_TOKEN);
      expect(text).not.toMatch(/CORGEA_ADMIN_TOKEN/);
    }
  });

  test('the state-bound input holds the five values and no secret', () => {
    for (const [name, resource] of Object.entries(json['resource']['terraform_data'] as Json)) {
      const keys = Object.keys((resource as Json)['input']).sort();
      const expected = name.includes('deregistration')
        ? ['corgea_url', 'name']
        : ['allowed_application_ids', 'audience', 'corgea_url', 'issuer', 'name'];
      expect(keys).toEqual(expected);
      expect(JSON.stringify(resource)).not.toMatch(/password|\.value\b|secret/i);
      expect((resource as Json)['triggers_replace']).toEqual((resource as Json)['input']);
    }
  });

  test('provisioners read only self and pass values in the environment, not the command', () => {
    for (const environment of ['staging', 'production']) {
      for (const provisioner of provisioners(environment, applyState())) {
        expect(provisioner.command).toBe(
          `node '${BUNDLE}' ${provisioner.when === 'create' ? 'register' : 'deregister'}`,
        );
      }
    }
    for (const resource of Object.values(json['resource']['terraform_data'] as Json)) {
      for (const entry of (resource as Json)['provisioner'] as Json[]) {
        const environment = entry['local-exec']['environment'] as Record<string, string>;
        expect(Object.keys(environment)).toContain('CORGEA_CONFIG_NAME');
        for (const value of Object.values(environment)) {
          // Nothing but self.input: a destroy-time provisioner may not reference anything else.
          expect(value.replace(/self\.input\.\w+/g, '')).not.toMatch(/[a-z_]+\.[a-z_]+/);
          expect(value).toMatch(/self\.input\./);
        }
      }
    }
  });
});

describe('register and deregister against the Corgea stand-in, in Terraform order', () => {
  test('create registers each environment with the values derived from the identity', async () => {
    for (const environment of ['staging', 'production']) {
      const run = await runProvisioner(the(environment, 'create'));
      expectClean(run);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(`^created JWT-auth configuration "github-${environment}"`),
      );
    }
    const byName = Object.fromEntries(corgea.configs().map((config) => [config.name, config]));
    expect(byName['github-staging']).toMatchObject({
      issuer: `https://sts.windows.net/${TENANT}/`,
      audience: `api://${CLIENT_IDS['staging']}`,
      allowed_application_ids: [CLIENT_IDS['staging']],
    });
    expect(byName['github-production']).toMatchObject({
      audience: `api://${CLIENT_IDS['production']}`,
      allowed_application_ids: [CLIENT_IDS['production']],
    });
  });

  test('running register again changes nothing', async () => {
    const before = corgea.configs();
    const run = await runProvisioner(the('staging', 'create'));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^unchanged JWT-auth configuration "github-staging"/);
    expect(corgea.configs()).toEqual(before);
  });

  test(
    'a changed audience replaces only the ' + 'registration, which updates the configuration',
    async () => {
      const changed = applyState('api://corgea-scans.example.com');
      const registration = the('staging', 'create', changed);
      const deregistration = the('staging', 'destroy', changed);
      const idBefore = corgea.configs().find((c) => c.name === 'github-staging')!.id;

      // Terraform replaces a terraform_data whose triggers_replace changed, and only that one.
      expect(registration.triggers).not.toEqual(the('staging', 'create').triggers);
      expect(deregistration.triggers).toEqual(the('staging', 'destroy').triggers);

      const run = await runProvisioner(registration);
      expectClean(run);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^updated JWT-auth configuration "github-staging" .*audience/);
      const config = corgea.configs().find((c) => c.name === 'github-staging')!;
      expect(config).toMatchObject({ id: idBefore, audience: 'api://corgea-scans.example.com' });
    },
  );

  test(
    'a failing Corgea gives a clear error, ' + 'and the re-run Terraform makes succeeds',
    async () => {
      // Every attempt the command makes fails (its retries included), so the run fails.
      corgea.failNext(DEFAULT_ATTEMPTS, { status: 503 });
      const failed = await runProvisioner(
        the('production', 'create', applyState('api://prod.example.com')),
      );
      expectClean(failed);
      expect(failed.code).not.toBe(0);
      expect(failed.stderr).toMatch(/503/);
      expect(failed.stderr).toMatch(/github-production/);

      // A failed create-time provisioner taints the resource; the next apply creates it again.
      const rerun = await runProvisioner(
        the('production', 'create', applyState('api://prod.example.com')),
      );
      expect(rerun.code).toBe(0);
      expect(rerun.stdout).toMatch(/^updated JWT-auth configuration "github-production"/);
    },
  );

  test('destroy deregisters each environment and leaves other configurations alone', async () => {
    for (const environment of ['staging', 'production']) {
      const run = await runProvisioner(the(environment, 'destroy'));
      expectClean(run);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(`^deleted JWT-auth configuration "github-${environment}"`),
      );
    }
    expect(corgea.configs().map((config) => config.name)).toEqual(['other-team']);

    const again = await runProvisioner(the('staging', 'destroy'));
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^already absent: JWT-auth configuration "github-staging"/);
  });

  test('without CORGEA_ADMIN_TOKEN, register fails saying what to set', async () => {
    const run = await runProvisioner(the('staging', 'create'), '');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/CORGEA_ADMIN_TOKEN/);
    expect(corgea.configs().map((config) => config.name)).toEqual(['other-team']);
  });
});
