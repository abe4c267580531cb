import type { ExpectedConfiguration } from '../../src/claims/expected.js';
import { ClaimMismatchError } from '../../src/claims/mismatches.js';
import { CorgeaAuthError, InputError, OAuthError } from '../../src/errors.js';
import { oauthError } from '../../src/oauth-errors.js';
import { oneLine } from '../../src/one-line.js';

describe('oneLine', () => {
  test('turns line breaks and tabs into spaces and shows other controls as escapes', () => {
    expect(oneLine('a\r\nb\tc\u2028d')).toBe('a  b c d');
    expect(oneLine('red \u001b[31m bell \u0007 del \u007f csi \u009b')).toBe(
      'red \\x1B[31m bell \\x07 del \\x7F csi \\x9B',
    );
  });
});

describe('every CorgeaAuthError message is one line per line its class means', () => {
  test('a problem and a fix with line breaks and escapes come out as one line', () => {
    const error = new CorgeaAuthError('ERR_RESPONSE', 'found "x\n::warning::fake"\r', 'do\nthis');
    expect(error.message).toBe('found "x ::warning::fake"  Fix: do this');
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.fix).toBe('do this');
  });

  test("an identity provider's error description cannot add a line to the OAuth error", () => {
    const error = oauthError(
      { error: 'invalid_client', error_description: 'bad\r::stop-commands::x\u001b[2K' },
      401,
      'idp.example',
    );
    expect(error).toBeInstanceOf(OAuthError);
    expect(error.message).not.toMatch(/[\r\n\u001b]/);
    expect(error.message).toContain('bad ::stop-commands::x\\x1B[2K');
  });

  test('subclasses are covered too', () => {
    expect(new InputError('scope', 'found "a\nb".').message).toBe('Input scope: found "a b".');
  });

  test('a list of mismatches keeps one line per mismatch, and nothing more', () => {
    const expected: ExpectedConfiguration = {
      issuer: 'i',
      issuerSource: 'input',
      audience: 'a',
      audienceSource: 'input',
      applicationIdClaim: 'appid',
      allowedApplicationIds: ['x'],
      applicationIdsSource: 'input',
      entraVersion: undefined,
    };
    const error = new ClaimMismatchError(
      [
        { claim: 'iss', found: '"j"', expected: '"i"', cause: 'Cause\none.', fix: 'fix one.' },
        { claim: 'aud', found: '"b"', expected: '"a"', cause: 'Cause two.', fix: 'fix\rtwo.' },
      ],
      expected,
    );
    expect(error.message.split('\n')).toEqual([
      'The token differs from the Corgea JWT-auth configuration in 2 claims:',
      '- Claim iss: found "j", expected "i". Cause one. Fix: fix one.',
      '- Claim aud: found "b", expected "a". Cause two. Fix: fix two.',
    ]);
  });
});
