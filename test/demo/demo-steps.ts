/**
 * The five steps of the demo. Each runs the real thing (the built command line, the committed
 * action bundle through the runner harness) against the stand-ins, checks the outcome a user
 * relies on, and returns one line saying what happened; a check that fails throws DemoFailure
 * with the reason. Nothing here prints a secret or a token: secrets by fingerprint, tokens by
 * length.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import {
  REPO_ROOT,
  runAction,
  spawnAndWait,
  unescapeCommandMessage,
  type ActionRun,
} from '../e2e/runner.js';
import { actionRunPlaces, findLeaks } from '../support/leaks.js';
import { expireSecret, issueSecret, type DemoWorld } from './demo-world.js';
import { fingerprint } from './demo-secrets.js';

/** The command line bundle that the construct's provisioner runs (`npm run build` writes it). */
export const CLI_BUNDLE = path.join(REPO_ROOT, 'bin', 'corgea-idp-auth.cjs');
/** The action bundle that action.yml names. */
export const ACTION_BUNDLE = path.join(REPO_ROOT, 'action', 'dist', 'index.cjs');

/** A step's outcome: its line, and lines to show below it (the message a user would read). */
export interface StepOutcome {
  readonly line: string;
  readonly details?: readonly string[];
}

export interface DemoStep {
  readonly title: string;
  run(world: DemoWorld, options: StepOptions): Promise<StepOutcome>;
}

export interface StepOptions {
  /** Holds the token endpoint's answer in step 2 this long: lets the test interrupt a run. */
  readonly tokenDelayMs?: number;
}

/** A step's check failed; the message says which and what was found. */
export class DemoFailure extends Error {
  override readonly name = 'DemoFailure';
}

export const DEMO_STEPS: readonly DemoStep[] = [
  { title: 'bootstrap registration', run: register },
  { title: 'token through the action bundle', run: fetchToken },
  { title: 'claim check and verify', run: checkAndVerify },
  { title: 'secret rotation', run: rotate },
  { title: 'deliberate misconfiguration', run: misconfigure },
];

/** Step 1: `register` with the environment the construct's provisioner sets. */
async function register(world: DemoWorld): Promise<StepOutcome> {
  const values = world.corgeaValues;
  const result = await spawnAndWait(
    process.execPath,
    [CLI_BUNDLE, 'register'],
    {
      cwd: tmpdir(),
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        CORGEA_URL: world.corgea.url,
        CORGEA_ADMIN_TOKEN: world.secrets.adminToken,
        CORGEA_CONFIG_NAME: world.configName,
        CORGEA_CONFIG_ISSUER: values.issuer,
        CORGEA_CONFIG_AUDIENCE: values.audience,
        // One per line, as the construct joins them for the provisioner.
        CORGEA_CONFIG_ALLOWED_APPLICATION_IDS: values.allowedApplicationIds.join('\n'),
      },
    },
    20_000,
  );
  const leaks = findLeaks(
    { 'register output': result.stdout + result.stderr },
    { 'admin token': world.secrets.adminToken },
  );
  if (leaks.length > 0) throw new DemoFailure(`${leaks.join('; ')}.`);
  const said = result.stdout.trim();
  if (result.exitCode !== 0 || !said.startsWith('created JWT-auth configuration')) {
    throw new DemoFailure(
      `register exited with ${String(result.exitCode ?? result.signal)} and said ` +
        `${JSON.stringify((said || result.stderr.trim()).split('\n')[0])}, expected ` +
        `"created JWT-auth configuration …".`,
    );
  }

  const held = world.corgea.configs();
  const expected = {
    name: world.configName,
    issuer: values.issuer,
    audience: values.audience,
    allowed_application_ids: [...values.allowedApplicationIds],
  };
  // The stand-in gives the configuration an ID of its own; the rest must be what was derived.
  const registered = held.map(({ id: _id, ...fields }) => fields);
  if (!isDeepStrictEqual(registered, [expected])) {
    throw new DemoFailure(
      `the Corgea stand-in holds ${JSON.stringify(held)}, ` +
        `expected exactly ${JSON.stringify(expected)}.`,
    );
  }
  return {
    line:
      `registered through \`corgea-idp-auth register\` as the construct's provisioner runs it: ` +
      `${said}; issuer ${values.issuer}, audience ${values.audience}, allowed application ID ` +
      `${values.allowedApplicationIds.join(', ')}`,
  };
}

/** Step 2: the committed action bundle, as the runner runs it, fetching a token only. */
async function fetchToken(world: DemoWorld, options: StepOptions): Promise<StepOutcome> {
  if (options.tokenDelayMs) world.entra.inject({ kind: 'delay', ms: options.tokenDelayMs });
  const run = await runBundle(world, world.secrets.firstClientSecret, {
    'check-claims': 'false',
    verify: 'false',
  });
  expectSuccess(run, 'the action with check-claims and verify off');

  const token = run.outputs['token'] ?? '';
  const values = world.corgeaValues;
  const found = {
    'token-type': run.outputs['token-type'],
    issuer: run.outputs['issuer'],
    audience: run.outputs['audience'],
    'application-id': run.outputs['application-id'],
  };
  const wanted = {
    'token-type': 'Bearer',
    issuer: values.issuer,
    audience: values.audience,
    'application-id': world.clientId,
  };
  if (!isDeepStrictEqual(found, wanted)) {
    throw new DemoFailure(
      `the outputs are ${JSON.stringify(found)}, expected ${JSON.stringify(wanted)}.`,
    );
  }
  if (!token || run.exported['CORGEA_TOKEN'] !== token) {
    throw new DemoFailure('CORGEA_TOKEN was not exported with the token of the token output.');
  }
  if (!run.stdoutLines.includes(`::add-mask::${token}`)) {
    throw new DemoFailure('the token was not masked (no ::add-mask:: command for it).');
  }
  return {
    line:
      `token fetched through the action bundle (client credentials, run as the runner runs it): ` +
      `${found['token-type']}, expires in ${run.outputs['expires-in']} s, ` +
      `${token.length} characters, ` +
      `masked and exported as CORGEA_TOKEN`,
  };
}

/** Step 3: the action's own claim check and verify call against the Corgea stand-in. */
async function checkAndVerify(world: DemoWorld): Promise<StepOutcome> {
  const before = world.corgea.verifications.length;
  const run = await runBundle(world, world.secrets.firstClientSecret, expectedConfiguration(world));
  expectSuccess(run, 'the action with check-claims and verify on');
  const accepted = expectVerified(world, run, before);
  return {
    line:
      `claims checked (signature against the stand-in's published keys; iss, aud, appid, exp, ` +
      `nbf against the registered configuration) and Corgea's verify answered ok: ${accepted}`,
  };
}

/** Step 4: a second secret, the overlap, the first one's end, and both outcomes after it. */
async function rotate(world: DemoWorld): Promise<StepOutcome> {
  const { firstClientSecret: first, secondClientSecret: second } = world.secrets;
  issueSecret(world, second);
  const overlap = await runBundle(world, first, expectedConfiguration(world));
  expectSuccess(overlap, 'the action with the first secret during the overlap');

  expireSecret(world, first);
  const before = world.corgea.verifications.length;
  const rotated = await runBundle(world, second, expectedConfiguration(world));
  expectSuccess(rotated, 'the action with the second secret after the first expired');
  expectVerified(world, rotated, before);

  const stale = await runBundle(world, first, expectedConfiguration(world));
  const message = failureMessage(stale);
  if (stale.exitCode === 0 || !/AADSTS7000222\b/.test(message)) {
    throw new DemoFailure(
      `the action with the expired first secret exited with ${String(stale.exitCode)} and said ` +
        `${JSON.stringify(message)}, expected a failure with AADSTS7000222.`,
    );
  }
  return {
    line:
      `rotation: second secret ${fingerprint(second)} issued next to ${fingerprint(first)}; the ` +
      `first still worked during the overlap; after it expired the action passed with the second ` +
      `(Corgea accepts) and the first now fails, as a pipeline not yet updated sees it`,
    details: message.split('\n'),
  };
}

/** Step 5: expected-audience set to the bare client ID while the token carries `api://…`. */
async function misconfigure(world: DemoWorld): Promise<StepOutcome> {
  const run = await runBundle(world, world.secrets.secondClientSecret, {
    ...expectedConfiguration(world),
    'expected-audience': world.clientId,
  });
  const message = failureMessage(run);
  const namesBoth = message.includes(world.clientId) && message.includes(world.applicationIdUri);
  if (run.exitCode === 0 || !/\baud\b/.test(message) || !namesBoth) {
    throw new DemoFailure(
      `the action with expected-audience ${world.clientId} exited with ${String(run.exitCode)} ` +
        `and said ${JSON.stringify(message)}, expected a failure naming aud, the expected ` +
        `${world.clientId} and the token's ${world.applicationIdUri}.`,
    );
  }
  return {
    line:
      `misconfiguration caught before any scan: expected-audience set to the bare client ID ` +
      `while the token carries ${world.applicationIdUri}; the action failed (exit ` +
      `${String(run.exitCode)}) with the message a user sees`,
    details: message.split('\n'),
  };
}

/** The three values of the registered configuration, as a workflow passes them from the outputs. */
function expectedConfiguration(world: DemoWorld): Record<string, string> {
  return {
    'check-claims': 'true',
    verify: 'true',
    'expected-issuer': world.corgeaValues.issuer,
    'expected-audience': world.corgeaValues.audience,
    'allowed-application-ids': world.corgeaValues.allowedApplicationIds.join('\n'),
  };
}

/** Runs the action bundle with the Entra inputs of the world and `clientSecret`; checks leaks. */
async function runBundle(
  world: DemoWorld,
  clientSecret: string,
  extra: Record<string, string>,
): Promise<ActionRun> {
  const run = await runAction({
    inputs: {
      provider: 'entra',
      'tenant-id': world.tenantId,
      'authority-host': world.entra.authority,
      'client-id': world.clientId,
      'client-secret': clientSecret,
      'corgea-url': world.corgea.url,
      ...extra,
    },
  });
  if (run.signal !== null) {
    throw new DemoFailure(
      `the action bundle was stopped by ${run.signal}${run.timedOut ? ' (timed out)' : ''}.`,
    );
  }
  const token = run.outputs['token'];
  const values: Record<string, string> = { 'client secret': clientSecret };
  if (token) values['token'] = token;
  const leaks = findLeaks(
    actionRunPlaces(run, { outputs: ['token'], exported: ['CORGEA_TOKEN'] }),
    values,
  );
  if (leaks.length > 0) throw new DemoFailure(`${leaks.join('; ')}.`);
  return run;
}

function expectSuccess(run: ActionRun, what: string): void {
  if (run.exitCode === 0) return;
  throw new DemoFailure(
    `${what} exited with ${String(run.exitCode)}: ${failureMessage(run) || run.stderr.trim()}`,
  );
}

/** Checks that Corgea's stand-in accepted the run's token; returns what it said. */
function expectVerified(world: DemoWorld, run: ActionRun, before: number): string {
  const decided = world.corgea.verifications.slice(before);
  const last = decided.at(-1);
  if (!run.stdoutLines.some((line) => line.includes('accepts the token')) || !last?.accepted) {
    throw new DemoFailure(
      "Corgea's stand-in did not accept the token: " +
        `${last ? last.reason : 'the action never called verify'}.`,
    );
  }
  return last.reason;
}

/**
 * The message of the run's `::error::` commands, as the runner shows it (command escapes undone).
 */
export function failureMessage(run: ActionRun): string {
  return run.stdoutLines
    .filter((line) => line.startsWith('::error::'))
    .map((line) => unescapeCommandMessage(line.slice('::error::'.length)))
    .join('\n')
    .replaceAll('\r\n', '\n')
    .trim();
}
