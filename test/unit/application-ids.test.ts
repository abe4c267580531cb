import { describe, expect, it } from '@jest/globals';

import { parseApplicationIds, type ApplicationIdSource } from '../../src/application-ids.js';
import { InputError } from '../../src/errors.js';
import { parseCheckSettings, parseSettings } from '../../src/settings.js';

const input: ApplicationIdSource = { kind: 'action-input', name: 'allowed-application-ids' };
const flag: ApplicationIdSource = { kind: 'flag', name: '--allowed-application-ids' };
const variable: ApplicationIdSource = {
  kind: 'variable',
  name: 'CORGEA_CONFIG_ALLOWED_APPLICATION_IDS',
};

function refusal(value: string, source: ApplicationIdSource): InputError {
  try {
    parseApplicationIds(value, source);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`parseApplicationIds accepted ${JSON.stringify(value)}`);
}

describe('a list of application IDs', () => {
  it('takes one ID per line, tolerating blank lines, surrounding spaces and CRLF', () => {
    expect(parseApplicationIds('\r\n  one \r\n\r\ntwo\n\n', input)).toEqual(['one', 'two']);
  });

  it('takes commas too, mixed with line breaks', () => {
    expect(parseApplicationIds('one, two\nthree ,four', input)).toEqual([
      'one',
      'two',
      'three',
      'four',
    ]);
  });

  it('drops duplicates, keeping the first place', () => {
    expect(parseApplicationIds('b\na\nb, a', input)).toEqual(['b', 'a']);
  });

  it('is empty for white space, line breaks and commas alone', () => {
    expect(parseApplicationIds(' \n , \r\n', input)).toEqual([]);
  });

  it('refuses a space inside an ID, naming the source and the ID', () => {
    const error = refusal('one\napp two', input);
    expect(error.input).toBe('allowed-application-ids');
    expect(error.message).toMatch(
      new RegExp(
        '^Input allowed-application-ids: expected application IDs without spaces inside, ' +
          'found "app two"\\.',
      ),
    );
  });

  it('gives a YAML hint only for the action input', () => {
    expect(refusal('a b', input).fix).toBe(
      'put each application ID on its own line with a YAML block scalar ' +
        '(`allowed-application-ids: |`), or separate them with commas.',
    );
    expect(refusal('a b', flag).fix).toBe(
      'repeat --allowed-application-ids for each application ID, or separate them with commas.',
    );
    expect(refusal('a\tb', variable).fix).toBe(
      'put each application ID of CORGEA_CONFIG_ALLOWED_APPLICATION_IDS on its own line, or ' +
        'separate them with commas.',
    );
    for (const source of [flag, variable]) expect(refusal('a b', source).fix).not.toMatch(/YAML/);
  });
});

describe('the settings read allowed-application-ids by the same rule', () => {
  const inputs: Record<string, string> = {
    'tenant-id': '72f988bf-86f1-41af-91ab-2d7cd011db47',
    'client-id': '11111111-2222-3333-4444-555555555555',
    'client-secret': 'not-shown',
  };
  const read = (ids: string) => (name: string) =>
    name === 'allowed-application-ids' ? ids : (inputs[name] ?? '');

  it('as a list, commas included; empty means derive them', () => {
    expect(parseSettings(read('x, y\r\ny')).allowedApplicationIds).toEqual(['x', 'y']);
    expect(parseSettings(read(' \n ')).allowedApplicationIds).toBeUndefined();
    expect(parseCheckSettings(read('x')).allowedApplicationIds).toEqual(['x']);
  });

  it('with the fix for where the value came from', () => {
    expect(() => parseSettings(read('a b'))).toThrow(/YAML block scalar/);
    expect(() => parseCheckSettings(read('a b'), { applicationIds: flag })).toThrow(
      /^Input --allowed-application-ids: .* Fix: repeat --allowed-application-ids/,
    );
  });
});
