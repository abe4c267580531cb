import { describe, expect, it } from '@jest/globals';

import { differingFields, parseJwtAuthConfigValues } from '../../src/corgea/jwt-auth-config.js';
import { InputError } from '../../src/errors.js';

const sources = {
  name: '--name',
  issuer: '--issuer',
  audience: '--audience',
  allowedApplicationIds: { kind: 'flag', name: '--allowed-application-ids' },
} as const;

describe('parseJwtAuthConfigValues', () => {
  it('keeps the issuer exactly as written, trailing slash and all', () => {
    const values = parseJwtAuthConfigValues(
      {
        name: ' ci ',
        issuer: ' https://sts.windows.net/t/ ',
        audience: 'api://a',
        allowedApplicationIds: 'x',
      },
      sources,
    );

    expect(values).toEqual({
      name: 'ci',
      issuer: 'https://sts.windows.net/t/',
      audience: 'api://a',
      allowedApplicationIds: ['x'],
    });
  });

  it('does not add a slash to an issuer without a path', () => {
    const values = parseJwtAuthConfigValues(
      {
        name: 'ci',
        issuer: 'https://acme.okta.com',
        audience: 'api://default',
        allowedApplicationIds: 'x',
      },
      sources,
    );

    expect(values.issuer).toBe('https://acme.okta.com');
  });

  it('accepts plain http for a loopback issuer only', () => {
    const raw = { name: 'ci', audience: 'a', allowedApplicationIds: 'x' };

    expect(
      parseJwtAuthConfigValues({ ...raw, issuer: 'http://127.0.0.1:8080/t' }, sources).issuer,
    ).toBe('http://127.0.0.1:8080/t');
    expect(() =>
      parseJwtAuthConfigValues({ ...raw, issuer: 'http://idp.example/t' }, sources),
    ).toThrow(/^Input --issuer: expected an https URL/);
  });

  it('refuses a name with control characters', () => {
    const raw = {
      name: 'ci\u0007',
      issuer: 'https://i.example',
      audience: 'a',
      allowedApplicationIds: 'x',
    };

    expect(() => parseJwtAuthConfigValues(raw, sources)).toThrow(/with control characters/);
  });
});

describe('the allowed application IDs of a configuration', () => {
  const raw = { name: 'ci', issuer: 'https://i.example', audience: 'a' };

  it(
    'are read by the shared list rule: lines and ' +
      'commas, trimmed, blanks and duplicates dropped',
    () => {
      const values = parseJwtAuthConfigValues(
        { ...raw, allowedApplicationIds: ' a \r\n\r\nb,c ,\n a\n' },
        sources,
      );

      expect(values.allowedApplicationIds).toEqual(['a', 'b', 'c']);
    },
  );

  it('must hold at least one ID, the message naming the source', () => {
    const variable = {
      ...sources,
      allowedApplicationIds: { kind: 'variable', name: 'IDS' },
    } as const;

    expect(() =>
      parseJwtAuthConfigValues({ ...raw, allowedApplicationIds: ' \r\n , ' }, variable),
    ).toThrow(/^Input IDS: expected at least one application ID, found none\. Fix: set IDS to/);
  });
});

describe('differingFields', () => {
  const base = {
    name: 'ci',
    issuer: 'https://i/',
    audience: 'a',
    allowedApplicationIds: ['x', 'y'],
  };

  it('finds no difference for the same application IDs in another order', () => {
    expect(differingFields(base, { ...base, allowedApplicationIds: ['y', 'x'] })).toEqual([]);
  });

  it("names each differing field in Corgea's words", () => {
    expect(
      differingFields(base, { ...base, issuer: 'https://i', allowedApplicationIds: ['x'] }),
    ).toEqual(['issuer', 'allowed_application_ids']);
  });
});
