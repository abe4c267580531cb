/**
 * Holds README.md to the code: the two commands, the inputs and outputs of action.yml, the
 * command line's help, the embedded examples, the Terraform outputs it names, and the
 * troubleshooting entries, each against the message the code produces.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it } from '@jest/globals';
import { Testing } from 'cdktf';
import { parse } from 'yaml';

import { CorgeaBootstrapStack } from '../cdktf/bootstrap-stack.js';
import { main } from '../src/cli/main.js';
import { FIXES, LINES } from '../src/diagnose/messages.js';
import { EXIT_CODES, InputError } from '../src/errors.js';
import { oauthError } from '../src/oauth-errors.js';
import { parseSettings } from '../src/settings.js';
import { REPO_ROOT } from './e2e/runner.js';

type Json = Record<string, any>;

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');
const readme = read('README.md');
const manifest = parse(read('action.yml')) as {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, unknown>;
};
const inputNames = Object.keys(manifest.inputs);

/** The fenced code blocks of the README, in order, with their language. */
function codeBlocks(text: string): { lang: string; body: string }[] {
  return [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1] ?? '',
    body: m[2] ?? '',
  }));
}

/** The text between `<!-- {name}: start -->` and `<!-- {name}: end -->`. */
function between(name: string): string {
  const match = readme.match(
    new RegExp(
      `<!-- ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: start[^>]*-->\\n([\\s\\S]*?)<!-- ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: end -->`,
    ),
  );
  if (!match?.[1]) throw new Error(`README.md has no section ${name}`);
  // Prettier puts a blank line between a comment and a code block.
  return match[1].replace(/^\n+/, '').replace(/\n+$/, '\n');
}

/** The rows of the markdown tables in `text`, cells trimmed, header and rule rows left out. */
function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

const unquote = (cell: string) => cell.replace(/^`(.*)`$/, '$1');

describe('the two commands', () => {
  it('are the first code block of the README, exactly', () => {
    expect(codeBlocks(readme)[0]?.body).toBe('npm ci && npm run demo\nnpm test\n');
  });

  it('are scripts that package.json defines, and CI runs the same test command', () => {
    const scripts = (JSON.parse(read('package.json')) as Json)['scripts'] as Json;
    expect(typeof scripts['demo']).toBe('string');
    expect(typeof scripts['test']).toBe('string');
    expect(read('.ci/run')).toMatch(/^npm ci\b/m);
    expect(read('.ci/run')).toMatch(/^npm test$/m);
  });
});

describe('inputs and outputs', () => {
  const section = between('action.yml tables');
  const rows = tableRows(section);
  const inputs = rows.filter((row) => row.length === 4 && row[0] !== 'input');
  const outputs = rows.filter((row) => row.length === 2 && row[0] !== 'output');

  it('are what scripts/readme-inputs.mjs writes from action.yml', async () => {
    await expect(
      promisify(execFile)(process.execPath, ['scripts/readme-inputs.mjs', '--check'], {
        cwd: REPO_ROOT,
      }),
    ).resolves.toBeDefined();
  });

  it('lists every input of action.yml, and no other, with its default and whether it is required', () => {
    expect(inputs.map((row) => unquote(row[0]!))).toEqual(inputNames);
    for (const [name, required, fallback] of inputs) {
      const declared = manifest.inputs[unquote(name!)]!;
      expect([name, required]).toEqual([name, declared.required === true ? 'yes' : 'no']);
      expect([name, unquote(fallback!)]).toEqual([name, declared.default ?? '']);
    }
  });

  it('lists every output of action.yml, and no other', () => {
    expect(outputs.map((row) => unquote(row[0]!))).toEqual(Object.keys(manifest.outputs));
  });
});

describe('the command line', () => {
  async function help(args: string[]): Promise<string> {
    let text = '';
    const code = await main(args, { env: {}, stderr: (chunk) => (text += chunk) });
    expect(code).toBe(0);
    return text;
  }

  it('shows the current help, and mentions every command it lists', async () => {
    const usage = await help(['--help']);
    expect(between('corgea-idp-auth --help')).toBe(`\`\`\`text\n${usage}\`\`\`\n`);
    const commands = [...usage.matchAll(/^ {2}(\w+) {2,}/gm)].map((m) => m[1]!);
    expect(commands).toEqual(['token', 'check', 'register', 'deregister']);
    for (const command of commands) expect(readme).toContain(`\`${command}\``);
  });

  it("shows the token command's current help", async () => {
    expect(between('corgea-idp-auth token --help')).toBe(
      `\`\`\`text\n${await help(['token', '--help'])}\`\`\`\n`,
    );
  });

  it('writes the shell pattern that keeps a failed fetch visible, in the help and the examples', async () => {
    const assignThenExport =
      /CORGEA_TOKEN="\$\((node \S+|corgea-idp-auth) [^)]*\btoken\b[^)]*\)" \|\| exit\n\s*export CORGEA_TOKEN\n/;
    const texts = {
      'token --help': `${await help(['token', '--help'])}\n`,
      'examples/gitlab-ci.yml': read('examples/gitlab-ci.yml'),
      README: readme,
    };
    for (const [where, text] of Object.entries(texts)) {
      expect({ where, pattern: assignThenExport.test(text) }).toEqual({ where, pattern: true });
      // `export NAME="$(…)"` only where it is named as the pattern to avoid.
      const exported = [...text.matchAll(/^.*export [A-Z_]+="\$\(.*$/gm)].map((m) => m[0]);
      for (const line of exported)
        expect({ where, line }).toEqual({ where, line: expect.stringMatching(/ends with/) });
    }
  });

  it('gives the exit codes of the error classes', () => {
    const headings = [...readme.matchAll(/^### .*\(exit (\d)\)$/gm)].map((m) => Number(m[1]));
    expect(new Set(headings)).toEqual(new Set([1, ...Object.values(EXIT_CODES)]));
  });
});

describe('the examples', () => {
  it.each(['scan.yml', 'gitlab-ci.yml'])('examples/%s is embedded as it is', (file) => {
    expect(between(`examples/${file}`)).toBe(`\`\`\`yaml\n${read(`examples/${file}`)}\`\`\`\n`);
  });

  /** Every step in a parsed workflow (or workflow fragment) that uses this action. */
  function actionSteps(node: unknown): Json[] {
    if (Array.isArray(node)) return node.flatMap(actionSteps);
    if (typeof node !== 'object' || node === null) return [];
    const here = /\/corgea-idp-auth@/.test(String((node as Json)['uses'])) ? [node as Json] : [];
    return [...here, ...Object.values(node).flatMap(actionSteps)];
  }

  const workflows = [
    ...['scan.yml', 'rotate.yml'].map((file) => ({ where: file, text: read(`examples/${file}`) })),
    ...codeBlocks(readme)
      .filter((block) => block.lang === 'yaml')
      .map((block, i) => ({ where: `README yaml block ${i + 1}`, text: block.body })),
  ];

  it('use only inputs that action.yml declares, and give the required ones', () => {
    const steps = workflows.flatMap(({ where, text }) =>
      actionSteps(parse(text)).map((step) => ({ where, inputs: Object.keys(step['with'] ?? {}) })),
    );
    expect(steps.length).toBeGreaterThanOrEqual(5);
    const required = inputNames.filter((name) => manifest.inputs[name]!.required === true);
    for (const { where, inputs } of steps) {
      expect({ where, unknown: inputs.filter((name) => !inputNames.includes(name)) }).toEqual({
        where,
        unknown: [],
      });
      expect({ where, missing: required.filter((name) => !inputs.includes(name)) }).toEqual({
        where,
        missing: [],
      });
    }
  });

  it('rotate.yml runs on a schedule and reads outputs the example stack has', () => {
    const workflow = parse(read('examples/rotate.yml')) as Json;
    expect(workflow['on']['schedule'][0]['cron']).toMatch(/^\S+ \S+ \* \* \*$/);

    const stack = new CorgeaBootstrapStack(Testing.app(), 'corgea-bootstrap');
    const outputs = Object.keys((JSON.parse(Testing.synth(stack)) as Json)['output'] as Json);
    const used = [...read('examples/rotate.yml').matchAll(/output -raw ([\w-]+)/g)].map(
      (m) => m[1]!,
    );
    expect(used).toEqual([
      'production-tenant-id',
      'production-client-id',
      'production-client-secret',
    ]);
    for (const name of used) expect(outputs).toContain(name);

    // The README's table of outputs names them per environment.
    const documented = [...readme.matchAll(/^\| `\{environment\}-([\w-]+)` +\|/gm)].map(
      (m) => m[1]!,
    );
    expect(
      ['staging', 'production'].flatMap((env) => documented.map((name) => `${env}-${name}`)).sort(),
    ).toEqual([...outputs].sort());
  });
});

describe('troubleshooting', () => {
  /** What the command line writes to stderr for `argv`, with its exit code. */
  async function cli(argv: string[]): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    const code = await main(argv, { env: {}, stderr: (text) => (stderr += text) });
    return { code, stderr };
  }

  it.each([
    ['Unknown command "{name}".', ['tokn'], { name: 'tokn' }],
    ['Input {flag}: is not an option of this command.', ['token', '--nope'], { flag: '--nope' }],
    [
      'Input {flag}: expected a value after it, found none.',
      ['token', '--client-id'],
      { flag: '--client-id' },
    ],
    [
      'Input {flag}: expected a value after it, found another option.',
      ['token', '--client-id', '--scope', 'x'],
      { flag: '--client-id' },
    ],
    [
      'Input {flag}: is a switch and takes no value; a value was given.',
      ['token', '--client-secret-stdin=x'],
      { flag: '--client-secret-stdin' },
    ],
    [
      'Input arguments: found an argument that belongs to no option; it is not shown, since a value in the wrong place is often a secret.',
      ['token', 'stray'],
      {},
    ],
    [
      'Input --client-secret-env: expected the name of an environment variable; the value given is not one and is not shown.',
      ['token', '--tenant-id', 'contoso.com', '--client-id', 'a', '--client-secret-env', 'x y'],
      {},
    ],
    ['Input --verify: expected true or false.', ['token', '--verify', 'yes'], {}],
  ])(
    'lists the command-line message %s as the command line says it, exit 2',
    async (entry, argv, values) => {
      expect(readme).toContain(`\`${entry}\``);
      const { code, stderr } = await cli(argv);
      expect(code).toBe(2);
      const first = stderr
        .split('\n')[0]!
        .replace(/^error: /, '')
        .replace(/ Fix: .*$/, '');
      expect(first).toBe(
        entry.replace(
          /\{(\w+)\}/g,
          (_, name: string) => values[name as keyof typeof values] ?? `{${name}}`,
        ),
      );
    },
  );

  it.each(Object.entries(LINES))('lists the diagnosis line %s by its exact text', (_id, line) => {
    expect(readme).toContain(`\`${line}\``);
  });

  it.each(Object.entries(FIXES))('lists the diagnosis fix %s by its exact text', (_id, fix) => {
    expect(readme).toContain(`\`Fix: ${fix}\``);
  });

  const refusals = readme.slice(
    readme.indexOf('### The identity provider refused the token request'),
    readme.indexOf('### Unexpected responses'),
  );
  const oauthRows = tableRows(refusals).filter(
    (row) => row.length === 2 && /^(AADSTS\d+|`[a-z_]+`)$/.test(row[0]!),
  );

  it('gives the fix the message gives for each Entra code and OAuth error it lists', () => {
    expect(oauthRows.length).toBeGreaterThanOrEqual(21);
    for (const [key, fix] of oauthRows) {
      const body = key!.startsWith('AADSTS')
        ? { error: 'invalid_request', error_codes: [Number(key!.slice(6))] }
        : { error: unquote(key!) };
      expect([key, oauthError(body, 400, 'login.example.com').fix]).toEqual([key, fix]);
    }
  });

  /**
   * Input errors: the README's entry, its `{placeholders}` filled, is the message the settings
   * parser gives for that input (up to its "Fix:").
   */
  const inputCases: [string, Record<string, string>, Record<string, string>][] = [
    [
      'Input provider: expected one of entra, okta, oidc, found "{value}".',
      { provider: 'azure' },
      { value: 'azure' },
    ],
    ['Input client-id: is required and was empty.', { 'client-id': '' }, {}],
    [
      'Input client-id: expected an identifier without spaces, found "{value}".',
      { 'client-id': 'a b' },
      { value: 'a b' },
    ],
    ['Input client-secret: is required and was empty.', { 'client-secret': '' }, {}],
    ['Input tenant-id: is required for provider entra and was empty.', { 'tenant-id': '' }, {}],
    [
      'Input tenant-id: "{value}" is a multi-tenant alias; client credentials need one specific tenant.',
      { 'tenant-id': 'common' },
      { value: 'common' },
    ],
    [
      'Input tenant-id: expected a GUID or a domain name, found "{value}".',
      { 'tenant-id': 'x y' },
      { value: 'x y' },
    ],
    [
      'Input issuer: is required for provider {provider} and was empty.',
      { provider: 'okta' },
      { provider: 'okta' },
    ],
    [
      'Input {input}: expected an absolute https URL, found "{value}".',
      { 'corgea-url': 'corgea' },
      { input: 'corgea-url', value: 'corgea' },
    ],
    [
      'Input {input}: expected an https URL, found "{scheme}//{host}". Plain http is accepted only for loopback hosts.',
      { 'token-url': 'http://login.example.com/t' },
      { input: 'token-url', scheme: 'http:', host: 'login.example.com' },
    ],
    [
      'Input {input}: the URL carries credentials; they would end up in logs.',
      { 'corgea-url': 'https://u:p@corgea.example.com' },
      { input: 'corgea-url' },
    ],
    [
      'Input {input}: expected a URL without query or fragment, found "{url}" followed by "{rest}".',
      { 'authority-host': 'https://login.example.com/?x=1' },
      { input: 'authority-host', url: 'https://login.example.com/', rest: '?x=1' },
    ],
    [
      'Input scope: expected one resource followed by /.default, found "{value}".',
      { scope: 'api://x' },
      { value: 'api://x' },
    ],
    [
      'Input scope: is required for provider okta and was empty.',
      { provider: 'okta', issuer: 'https://example.okta.com/oauth2/default' },
      {},
    ],
    [
      'Input resource: expected an absolute URI (RFC 8707), found "{value}".',
      { resource: 'corgea' },
      { value: 'corgea' },
    ],
    [
      'Input resource: a resource indicator must not have a fragment, found "{fragment}".',
      { resource: 'https://a.example.com#b' },
      { fragment: '#b' },
    ],
    [
      'Input client-auth: expected basic or post, found "{value}".',
      { 'client-auth': 'jwt' },
      { value: 'jwt' },
    ],
    [
      'Input export-variable: expected an environment variable name (letters, digits, underscores), found "{value}".',
      { 'export-variable': 'A-B' },
      { value: 'A-B' },
    ],
    [
      'Input export-variable: "{value}" is reserved by the runner and cannot be set from a step.',
      { 'export-variable': 'GITHUB_TOKEN' },
      { value: 'GITHUB_TOKEN' },
    ],
    [
      'Input {input}: expected true or false, found "{value}".',
      { verify: 'yes' },
      { input: 'verify', value: 'yes' },
    ],
    [
      'Input attempts: expected a whole number from 1 to 10, found "{value}".',
      { attempts: '0' },
      { value: '0' },
    ],
    [
      'Input timeout-seconds: expected a whole number from 1 to 300, found "{value}".',
      { 'timeout-seconds': '301' },
      { value: '301' },
    ],
    [
      'Input expected-audience: expected one audience without spaces, found "{value}".',
      { 'expected-audience': 'a b' },
      { value: 'a b' },
    ],
    [
      'Input {input}: expected application IDs without spaces inside, found "{value}".',
      { 'allowed-application-ids': 'a,b c' },
      { input: 'allowed-application-ids', value: 'b c' },
    ],
  ];
  const valid: Record<string, string> = {
    'tenant-id': '72f988bf-86f1-41af-91ab-2d7cd011db47',
    'client-id': '11111111-2222-3333-4444-555555555555',
    'client-secret': 's3cret',
  };

  it.each(inputCases)('lists %s as the settings parser says it', (entry, inputs, values) => {
    expect(readme).toContain(`\`${entry}\``);
    const given = { ...valid, ...inputs };
    let thrown: unknown;
    try {
      parseSettings((name) => given[name] ?? '');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    const problem = (thrown as InputError).message.replace(/ Fix: .*$/s, '');
    expect(problem).toBe(
      entry.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`),
    );
  });
});
