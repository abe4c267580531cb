import { describe, expect, it } from '@jest/globals';

import {
  differingFields,
  parseApplicationIds,
  parseJwtAuthConfigValues,
} from '../../src/corgea/jwt-auth-config.js';
import { InputError } from '../../src/errors.js';

const sources = {
  name: '--name',
  issuer: '--issuer',
  audience: '--audience',
  allowedApplicationIds: '--allowed-application-ids',
};

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

describe('parseApplicationIds', () => {
  it('splits on lines and commas, trims, drops blanks and duplicates', () => {
    expect(parseApplicationIds(' a \r\n\r\nb,c ,\n a\n', 'IDS')).toEqual(['a', 'b', 'c']);
  });

  it('refuses an ID with a space inside, naming the source', () => {
    const error = (() => {
      try {
        parseApplicationIds('app one', 'IDS');
      } catch (e) {
        return e;
      }
    })();

    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('IDS');
    expect((error as InputError).message).toContain('found "app one"');
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
