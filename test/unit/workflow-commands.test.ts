import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { InputError } from '../../src/errors.js';
import { plainLine, requireFileCommands, setOutput } from '../../action/workflow-commands.js';

/**
 * Whether the runner would read `line` as a workflow command: it splits stdout at CR and LF,
 * takes a line that starts with `::` after leading white space as a command, and a line holding
 * `##[` anywhere as one in the older form.
 */
function runnerWouldParse(line: string): boolean {
  return /^\s*::/.test(line) || line.includes('##[');
}

describe('plainLine: what info writes, one message as one plain log line', () => {
  test.each([
    ['line feeds', 'Got a Bearer\n::set-output name=x::y\n::warning::fake token'],
    ['a carriage return', 'Got a Bearer\r::stop-commands::end token'],
    ['a line separator', 'Got a\u2028::warning::fake'],
    ['a leading command', '  ::warning::fake'],
    ['the older form anywhere', 'Got a ##[warning]fake token'],
  ])('a message with %s is one line the runner does not parse', (_, message) => {
    const lines = plainLine(message).split(/\r\n|\r|\n/);
    expect(lines).toHaveLength(1);
    expect(runnerWouldParse(lines[0] ?? '')).toBe(false);
  });

  test('an ordinary message is written as it is', () => {
    expect(plainLine('Requesting an access token: a::b.')).toBe(
      'Requesting an access token: a::b.',
    );
  });
});

describe('requireFileCommands: every file a write needs, checked before the first write', () => {
  let dir: string;
  const saved = { ...process.env };
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'corgea-wfc-'));
  });
  afterEach(async () => {
    process.env = { ...saved };
    await rm(dir, { recursive: true, force: true });
  });

  test('names the missing variable and writes nothing', async () => {
    const output = path.join(dir, 'output');
    await writeFile(output, '');
    process.env['GITHUB_OUTPUT'] = output;
    delete process.env['GITHUB_ENV'];
    let error: unknown;
    try {
      requireFileCommands(['GITHUB_OUTPUT', 'GITHUB_ENV']);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/^Input GITHUB_ENV: is not set, /);
    expect(await readFile(output, 'utf8')).toBe('');
  });

  test('a variable naming a file in a directory that does not exist is refused', () => {
    process.env['GITHUB_OUTPUT'] = path.join(dir, 'missing', 'output');
    expect(() => requireFileCommands(['GITHUB_OUTPUT'])).toThrow(
      /Input GITHUB_OUTPUT: names a file that cannot be written/,
    );
  });

  test('setOutput writes once the file is there', async () => {
    const output = path.join(dir, 'output');
    await writeFile(output, '');
    process.env['GITHUB_OUTPUT'] = output;
    setOutput('issuer', 'https://idp.example');
    expect(await readFile(output, 'utf8')).toMatch(
      /^issuer<<(ghadelimiter_[0-9a-z]+)\nhttps:\/\/idp\.example\n\1\n$/,
    );
  });
});

describe('file-command delimiters', () => {
  test('never occur in the value they close, however the value is made', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'delimiter-'));
    const saved = process.env['GITHUB_OUTPUT'];
    try {
      const output = path.join(dir, 'output');
      await writeFile(output, '');
      process.env['GITHUB_OUTPUT'] = output;
      const hostile = `x\nghadelimiter_\nother<<ghadelimiter_\ny`;
      setOutput('issuer', hostile);
      const text = await readFile(output, 'utf8');
      const delimiter = text.slice('issuer<<'.length, text.indexOf('\n'));
      expect(text).toBe(`issuer<<${delimiter}\n${hostile}\n${delimiter}\n`);
      expect(hostile.includes(delimiter)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env['GITHUB_OUTPUT'];
      else process.env['GITHUB_OUTPUT'] = saved;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
