/**
 * Holds README.md to the code: the two commands, the inputs and outputs of action.yml, the
 * command line's help, the embedded examples, the Terraform outputs it names, and the
 * troubleshooting entries, each against the message the code produces.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it } from '@jest/globals';
import { Testing } from 'cdktf';
import ts from 'typescript';
import { parse } from 'yaml';

import { requireFileCommands } from '../action/workflow-commands.js';

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
      `<!-- ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: start[^>]*-->\\n([\\s\\S]*?)` +
        `<!-- ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: end -->`,
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

/** Troubleshooting entries that a test below compares with the message the code gives when run. */
const ranEntries: string[] = [
  ...Object.values(LINES),
  ...Object.values(FIXES).map((fix) => `Fix: ${fix}`),
];

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

  it(
    'lists every input of action.yml, and no other, ' +
      'with its default and whether it is required',
    () => {
      expect(inputs.map((row) => unquote(row[0]!))).toEqual(inputNames);
      for (const [name, required, fallback] of inputs) {
        const declared = manifest.inputs[unquote(name!)]!;
        expect([name, required]).toEqual([name, declared.required === true ? 'yes' : 'no']);
        expect([name, unquote(fallback!)]).toEqual([name, declared.default ?? '']);
      }
    },
  );

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

  it(
    'writes the shell pattern that keeps a failed fetch visible, ' + 'in the help and the examples',
    async () => {
      const assignThenExport = new RegExp(
        /CORGEA_TOKEN="\$\((node \S+|corgea-idp-auth) [^)]*\btoken\b[^)]*\)" \|\| exit\n/.source +
          /\s*export CORGEA_TOKEN\n/.source,
      );
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
    },
  );

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
  async function cli(
    argv: string[],
    env: Record<string, string> = {},
  ): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    const code = await main(argv, { env, stderr: (text) => (stderr += text) });
    return { code, stderr };
  }

  const commandLineCases: [string, string[], Record<string, string>][] = [
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
      'Input arguments: found an argument that belongs to no option; it is not shown, since a ' +
        'value in the wrong place is often a secret.',
      ['token', 'stray'],
      {},
    ],
    [
      'Input --client-secret-env: expected the name of an environment variable; the value given ' +
        'is not one and is not shown.',
      ['token', '--tenant-id', 'contoso.com', '--client-id', 'a', '--client-secret-env', 'x y'],
      {},
    ],
    ['Input --verify: expected true or false.', ['token', '--verify', 'yes'], {}],
    ['Input --check-claims: expected true or false.', ['token', '--check-claims', 'no'], {}],
    [
      'Unknown command; it is not shown, since it does not look like a command name.',
      ['s3cr3t=value!'],
      {},
    ],
    [
      'Input --format: expected one of raw, env, json, found "{value}".',
      ['token', '--format', 'xml'],
      { value: 'xml' },
    ],
    [
      'Input --client-secret: a secret on the command line is visible to every process on the ' +
        'machine and lands in shell history.',
      ['token', '--client-secret', 'x'],
      {},
    ],
    [
      'Input client-secret: the environment variable {name} is empty or not set.',
      ['token', '--tenant-id', 'contoso.com', '--client-id', 'a'],
      { name: 'CORGEA_CLIENT_SECRET' },
    ],
    [
      'Input --token: a token on the command line is visible to every process on the machine and ' +
        'lands in shell history.',
      ['check', '--token=x'],
      {},
    ],
    [
      'Input --token-env: the environment variable {name} is empty or not set.',
      ['check', '--tenant-id', 'contoso.com', '--client-id', 'a', '--token-env', 'MY_TOKEN'],
      { name: 'MY_TOKEN' },
    ],
    [
      'Input --{name}: a credential on the command line is visible to every process on the ' +
        'machine and lands in shell history and Terraform logs.',
      ['register', '--admin-token', 'x'],
      { name: 'admin-token' },
    ],
    [
      'Input CORGEA_ADMIN_TOKEN: the environment variable CORGEA_ADMIN_TOKEN is empty or not ' +
        'set; it holds the Corgea credential that manages JWT-auth configurations.',
      ['deregister', '--name', 'github-staging'],
      {},
    ],
  ];
  ranEntries.push(...commandLineCases.map(([entry]) => entry));
  it.each(commandLineCases)(
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

  const admin = { CORGEA_ADMIN_TOKEN: 'corgea-admin-credential' };
  const registrationCases: [string, string[], Record<string, string>][] = [
    [
      'Input {source}: the name of the JWT-auth configuration is missing.',
      ['deregister'],
      { source: '--name (or CORGEA_CONFIG_NAME)' },
    ],
    [
      'Input {source}: the issuer is missing.',
      ['register', '--name', 'n'],
      { source: '--issuer (or CORGEA_CONFIG_ISSUER)' },
    ],
    [
      'Input {source}: the audience is missing.',
      ['register', '--name', 'n', '--issuer', 'https://sts.windows.net/t/'],
      { source: '--audience (or CORGEA_CONFIG_AUDIENCE)' },
    ],
    [
      'Input {source}: expected at least one application ID, found none.',
      [
        'register',
        '--name',
        'n',
        '--issuer',
        'https://sts.windows.net/t/',
        '--audience',
        'api://a',
      ],
      { source: '--allowed-application-ids (or CORGEA_CONFIG_ALLOWED_APPLICATION_IDS)' },
    ],
  ];
  ranEntries.push(...registrationCases.map(([entry]) => entry));
  it.each(registrationCases)(
    'lists the registration message %s as register says it, exit 2',
    async (entry, argv, values) => {
      expect(readme).toContain(`\`${entry}\``);
      const { code, stderr } = await cli(argv, admin);
      expect(code).toBe(2);
      const first = stderr.split('\n').find((line) => line.startsWith('error: ')) ?? '';
      expect(first.replace(/^error: /, '').replace(/ Fix: .*$/, '')).toBe(
        entry.replace(
          /\{(\w+)\}/g,
          (_, name: string) => values[name as keyof typeof values] ?? `{${name}}`,
        ),
      );
    },
  );

  const fileCommands = [
    ['GITHUB_OUTPUT', 'set outputs'],
    ['GITHUB_ENV', 'export variables'],
  ];
  const fileCommandEntry = (variable: string, what: string) =>
    `Input ${variable}: is not set, so the action cannot ${what}; nothing was written.`;
  ranEntries.push(...fileCommands.map(([variable, what]) => fileCommandEntry(variable!, what!)));
  it.each(fileCommands)(
    'lists the action message for a missing %s file command as the action says it',
    (variable, what) => {
      const entry = fileCommandEntry(variable!, what!);
      expect(readme).toContain(`\`${entry}\``);
      const saved = process.env[variable];
      delete process.env[variable];
      try {
        expect(() => requireFileCommands([variable as 'GITHUB_ENV'])).toThrow(entry);
      } finally {
        if (saved !== undefined) process.env[variable] = saved;
      }
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
      'Input tenant-id: "{value}" is a multi-tenant alias; ' +
        'client credentials need one specific tenant.',
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
      'Input {input}: expected an https URL, found "{scheme}//{host}". Plain http is accepted ' +
        'only for loopback hosts.',
      { 'token-url': 'http://login.example.com/t' },
      { input: 'token-url', scheme: 'http:', host: 'login.example.com' },
    ],
    [
      'Input {input}: the URL carries credentials; they would end up in logs.',
      { 'corgea-url': 'https://u:p@corgea.example.com' },
      { input: 'corgea-url' },
    ],
    [
      'Input {input}: expected a URL without query or fragment, found "{url}" followed by ' +
        '"{rest}".',
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
      'Input export-variable: expected an environment variable name (letters, digits, ' +
        'underscores), found "{value}".',
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
    [
      'Input {input}: expected an absolute https URL, found "{value}".',
      { issuer: 'idp.example.com' },
      { input: 'issuer', value: 'idp.example.com' },
    ],
    [
      'Input {input}: expected an https URL, found "{scheme}//{host}". Plain http is accepted ' +
        'only for loopback hosts.',
      { 'expected-issuer': 'http://sts.windows.net/x/' },
      { input: 'expected-issuer', scheme: 'http:', host: 'sts.windows.net' },
    ],
    [
      'Input {input}: expected true or false, found "{value}".',
      { 'output-token': 'no' },
      { input: 'output-token', value: 'no' },
    ],
    [
      'Input {input}: expected true or false, found "{value}".',
      { 'check-claims': '0' },
      { input: 'check-claims', value: '0' },
    ],
    [
      'Input {input}: expected true or false, found "{value}".',
      { summary: 'off' },
      { input: 'summary', value: 'off' },
    ],
  ];
  const valid: Record<string, string> = {
    'tenant-id': '72f988bf-86f1-41af-91ab-2d7cd011db47',
    'client-id': '11111111-2222-3333-4444-555555555555',
    'client-secret': 's3cret',
  };

  /** The error parseSettings throws for `inputs` on top of a valid set. */
  function settingsError(inputs: Record<string, string>): unknown {
    const given = { ...valid, ...inputs };
    try {
      parseSettings((name) => given[name] ?? '');
    } catch (error) {
      return error;
    }
    return undefined;
  }

  it(
    'has an entry, run against the settings parser, ' +
      'for a malformed value of every input of action.yml',
    () => {
      const faulted = inputCases.map(([, inputs]) => (settingsError(inputs) as InputError).input);
      expect([...new Set(faulted)].sort()).toEqual([...inputNames].sort());
    },
  );

  ranEntries.push(...inputCases.map(([entry]) => entry));

  it.each(inputCases)('lists %s as the settings parser says it', (entry, inputs, values) => {
    expect(readme).toContain(`\`${entry}\``);
    const thrown = settingsError(inputs);
    expect(thrown).toBeInstanceOf(InputError);
    const problem = (thrown as InputError).message.replace(/ Fix: .*$/s, '');
    expect(problem).toBe(
      entry.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`),
    );
  });
});

/**
 * The troubleshooting section against the source, both ways, by reading the code with the
 * TypeScript parser: every literal part of a message the code builds appears among the section's
 * quoted messages, and every quoted message's literal parts are text the code holds. `{…}` and
 * `…` in the README stand for values, as `${…}` and other expressions do in the code.
 */
describe('troubleshooting against the code', () => {
  const section = readme.slice(
    readme.indexOf('\n## Troubleshooting'),
    readme.indexOf('\n## Limitations'),
  );
  const quoted = [...section.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);

  const ERROR_CLASSES: Record<string, number> = {
    InputError: 1,
    DiscoveryError: 0,
    OAuthError: 1,
    ResponseError: 0,
    NetworkError: 1,
    ClaimError: 1,
    CorgeaError: 0,
  };
  /** Variables and properties that hold a message's problem (or a cause) outside a constructor. */
  const MESSAGE_NAMES = new Set(['problem', 'head', 'carries', 'wanted', 'cause']);
  const HOLE = Symbol('value');
  type Piece = string | typeof HOLE;

  /** The literal runs of a string expression; other expressions are holes. Branches add runs. */
  function pieces(node: ts.Node, branches: Piece[][]): Piece[] {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
    if (ts.isTemplateExpression(node)) {
      const out: Piece[] = [node.head.text];
      for (const span of node.templateSpans) out.push(HOLE, span.literal.text);
      return out;
    }
    if (ts.isParenthesizedExpression(node)) return pieces(node.expression, branches);
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      return [...pieces(node.left, branches), ...pieces(node.right, branches)];
    }
    if (ts.isConditionalExpression(node)) {
      branches.push(pieces(node.whenTrue, branches), pieces(node.whenFalse, branches));
    }
    return [HOLE];
  }

  /** The literal runs between holes. */
  function runs(list: Piece[]): string[] {
    const out = [''];
    for (const piece of list) {
      if (piece === HOLE) out.push('');
      else out[out.length - 1] += piece;
    }
    return out;
  }

  function sourceFiles(dir: string): string[] {
    return readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        return ['dist', 'cdktf.out', 'node_modules'].includes(entry.name) ? [] : sourceFiles(file);
      }
      return file.endsWith('.ts') ? [file] : [];
    });
  }

  /** Each message the code builds, as literal runs with the file it is in. */
  const messages: { file: string; runs: string[] }[] = [];
  /** Every literal run of every string expression in the code. */
  const literals: string[] = [];
  for (const file of ['src', 'action', 'cdktf'].flatMap(sourceFiles)) {
    const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.ES2022, true);
    const add = (node: ts.Node | undefined) => {
      if (!node) return;
      const branches: Piece[][] = [];
      for (const list of [pieces(node, branches), ...branches])
        messages.push({ file, runs: runs(list) });
    };
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
        const at = ERROR_CLASSES[node.expression.text];
        if (at !== undefined) add(node.arguments?.[at]);
      }
      if (
        (ts.isVariableDeclaration(node) || ts.isPropertyAssignment(node)) &&
        ts.isIdentifier(node.name) &&
        MESSAGE_NAMES.has(node.name.text)
      ) {
        add(node.initializer);
      }
      // The network failures: a table of [problem, fix] per stage.
      if (ts.isVariableDeclaration(node) && node.name.getText() === 'problems') {
        const table = node.initializer;
        if (table && ts.isObjectLiteralExpression(table)) {
          for (const row of table.properties) {
            if (ts.isPropertyAssignment(row) && ts.isArrayLiteralExpression(row.initializer)) {
              add(row.initializer.elements[0]);
            }
          }
        }
      }
      // What Corgea's refusal of a token says, built in one function.
      if (ts.isFunctionDeclaration(node) && node.name?.text === 'refusal') {
        const returns = (inner: ts.Node): void => {
          if (ts.isReturnStatement(inner)) add(inner.expression);
          ts.forEachChild(inner, returns);
        };
        returns(node);
      }
      const isRoot =
        ts.isStringLiteral(node) ||
        ts.isNoSubstitutionTemplateLiteral(node) ||
        ts.isTemplateExpression(node) ||
        ts.isBinaryExpression(node);
      if (isRoot) literals.push(...runs(pieces(node, [])));
      ts.forEachChild(node, visit);
    };
    visit(source);
  }

  it('finds the messages of every error class in the code', () => {
    const files = new Set(messages.map((m) => m.file));
    for (const file of ['src/settings.ts', 'src/claims/causes.ts', 'src/http/transport.ts']) {
      expect(files).toContain(file);
    }
    expect(messages.length).toBeGreaterThan(150);
  });

  it('quotes every literal part of every message the code builds', () => {
    // Runs shorter than this are joints ("", ".", " (status ") that any entry holds.
    const missing = messages.flatMap(({ file, runs }) =>
      runs
        .map((run) => run.trim())
        .filter((run) => run.length >= 12 && !quoted.some((text) => text.includes(run)))
        .map((run) => `${file}: ${run}`),
    );
    expect(missing).toEqual([]);
  });

  /**
   * Whether `part` is code text: inside one literal, or the end of one literal, any whole ones,
   * and the start of another, as a message assembled from several strings reads.
   */
  function inCode(part: string): boolean {
    const whole = new Set(literals);
    const rest = (text: string): boolean =>
      literals.some((literal) => literal.startsWith(text)) ||
      [...Array(text.length).keys()]
        .slice(1)
        .some((j) => whole.has(text.slice(0, j)) && rest(text.slice(j)));
    return (
      literals.some((literal) => literal.includes(part)) ||
      [...Array(part.length).keys()]
        .slice(1)
        .some(
          (k) =>
            literals.some((literal) => literal.endsWith(part.slice(0, k))) && rest(part.slice(k)),
        )
    );
  }

  it('quotes no message whose literal parts the code does not hold', () => {
    // The entries themselves: headings, and list items that start with a quoted message.
    const entries = [
      ...section.matchAll(/^#{4,5} (`.*)$/gm),
      ...section.matchAll(/^- (`.*)$/gm),
    ].flatMap((m) => [...m[1]!.matchAll(/`([^`\n]+)`/g)].map((q) => q[1]!));
    expect(entries.length).toBeGreaterThan(150);
    // Those compared with the running code above need no second look.
    const rest = entries.filter((entry) => !ranEntries.includes(entry));
    const stale = rest.filter((entry) =>
      entry
        // The input, claim or fix prefix the code writes around a message: `Input ${input}: `.
        .replace(/^(Input [^:]+|Claim \w+|Fix): /, '')
        // Between sentences, at quotes and at values (numbers, paths, constants' names) the code
        // has an expression more often than not.
        .split(
          new RegExp(
            /\{[^}]*\}|…|"|\. (?=[A-Z])|\(absent\)|\d+|/.source +
              /\/api\/v1\/[\w-]+|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/.source,
          ),
        )
        .map((part) => part.trim())
        .filter((part) => part.length > 1)
        .some((part) => !inCode(part)),
    );
    expect(stale).toEqual([]);
  });
});
