import { oneLine } from '../../src/one-line.js';
import { oauthError } from '../../src/oauth-errors.js';
import { cut, redact } from '../../src/secret.js';

const SECRET = 'Zq8~s3cret+with&all=the%chars and spaces';

describe('redact: the forms a secret takes on the wire', () => {
  test.each([
    ['as is', SECRET],
    ['percent-encoded', encodeURIComponent(SECRET)],
    [
      'percent-encoded with lower-case hex',
      encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
    ],
    ['form-encoded', new URLSearchParams({ v: SECRET }).toString().slice(2)],
  ])('blanks the secret %s', (_, form) => {
    expect(redact(`before ${form} after`, [SECRET])).toBe('before *** after');
  });

  test('leaves values shorter than 4 characters alone', () => {
    expect(redact('a b c', ['b'])).toBe('a b c');
  });
});

describe('redact with maxLength: redaction first, then the cut', () => {
  test('a secret straddling the limit is blanked whole, not left with its first characters', () => {
    const text = `${'x'.repeat(8)}${SECRET}`;
    const out = redact(text, [SECRET], { maxLength: 10 });
    expect(out).toBe('xxxxxxxx**… (1 more character)');
    expect(out).not.toContain(SECRET.slice(0, 2));
  });

  test('text within the limit is returned whole', () => {
    expect(redact('short', [], { maxLength: 5 })).toBe('short');
  });

  test('the cut says how many characters were left off and never splits a surrogate pair', () => {
    expect(cut('abcdef', 3)).toBe('abc… (3 more characters)');
    expect(cut('ab😀cd', 3)).toBe('ab… (4 more characters)');
  });
});

describe('oauthError: the description is quoted whole, so that redaction sees every secret', () => {
  test('a secret straddling character 300 of error_description leaks nothing once redacted', () => {
    // The secret starts at character 293 of the description.
    const description = `AADSTS7000215: ${'y'.repeat(270)} echoed ${SECRET} end`;
    const error = oauthError(
      { error: 'invalid_client', error_description: description },
      401,
      'login.example',
    );
    const shown = redact(error.message, [SECRET], { maxLength: 2000 });
    expect(shown).not.toContain(SECRET.slice(0, 4));
    expect(error.message).toContain(SECRET);
  });
});

describe('redact, for secrets with characters a message does not keep', () => {
  test('a secret with a tab and a control character is caught in its one-line form', () => {
    const secret = 'Tab\tSecretValue\u0001Part2xyz';
    const message = oneLine(`bad secret ${secret} given`);
    expect(redact(message, [secret])).toBe('bad secret *** given');
  });

  test('each line of a multi-line secret is caught on its own', () => {
    const secret = 'first-line-of-it\nsecond-line-of-it';
    expect(redact('echo: first-line-of-it', [secret])).toBe('echo: ***');
  });
});
