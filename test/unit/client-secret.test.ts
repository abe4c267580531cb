import {
  basicAuthorization,
  clientSecretCredential,
  formEncode,
} from '../../src/credentials/client-secret.js';
import { Secret } from '../../src/secret.js';

/**
 * Reverses RFC 6749 section 2.3.1 the way an authorization server does: base64-decode, split at
 * the first colon, then form-decode each half (`+` is a space, `%XX` a byte).
 */
function decodeBasic(header: string): { clientId: string; secret: string } {
  expect(header.startsWith('Basic ')).toBe(true);
  const pair = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  const colon = pair.indexOf(':');
  expect(colon).toBeGreaterThan(-1);
  const formDecode = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
  return { clientId: formDecode(pair.slice(0, colon)), secret: formDecode(pair.slice(colon + 1)) };
}

describe('client_secret_basic (RFC 6749 section 2.3.1)', () => {
  test.each([
    ['plus', 'a+b'],
    ['ampersand', 'a&b'],
    ['equals', 'a=b=='],
    ['percent', '100%25'],
    ['tilde', 'Xy8Q~abc.DEF_ghi-jkl'],
    ['space', 'two words here'],
    ['all at once', ' +&=%~ :/?#'],
    ['non-ASCII', 'pässwörd€'],
  ])('a secret with %s survives encoding and decoding', (_, secret) => {
    expect(decodeBasic(basicAuthorization('client', secret))).toEqual({
      clientId: 'client',
      secret,
    });
  });

  test(
    'a client ID with a colon is encoded, ' + 'so the first colon still separates ID from secret',
    () => {
      const header = basicAuthorization('urn:corgea:ci', 'p:ss');
      const pair = Buffer.from(header.slice(6), 'base64').toString('utf8');
      expect(pair).toBe('urn%3Acorgea%3Aci:p%3Ass');
      expect(decodeBasic(header)).toEqual({ clientId: 'urn:corgea:ci', secret: 'p:ss' });
    },
  );

  test('form encoding writes a space as + and a plus as %2B', () => {
    expect(formEncode('a b+c')).toBe('a+b%2Bc');
    expect(formEncode('a&b=c%')).toBe('a%26b%3Dc%25');
  });

  test('a plain client ID and secret give the textbook header', () => {
    // RFC 7617 section 2's example pair, which needs no escaping.
    expect(basicAuthorization('Aladdin', 'open sesame')).toBe(
      `Basic ${Buffer.from('Aladdin:open+sesame').toString('base64')}`,
    );
  });
});

describe('clientSecretCredential', () => {
  const secret = 'Xy8Q~s3cr3t+&=%';

  test('basic puts the secret in the Authorization header only', () => {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    const headers: Record<string, string> = {};
    clientSecretCredential('app', new Secret(secret)).apply(form, headers, 'basic');
    expect(decodeBasic(headers['Authorization'] ?? '')).toEqual({ clientId: 'app', secret });
    expect(form.toString()).toBe('grant_type=client_credentials');
  });

  test('post puts client_id and client_secret in the form only', () => {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    const headers: Record<string, string> = {};
    clientSecretCredential('app', new Secret(secret)).apply(form, headers, 'post');
    expect(headers).toEqual({});
    const decoded = new URLSearchParams(form.toString());
    expect(decoded.get('client_id')).toBe('app');
    expect(decoded.get('client_secret')).toBe(secret);
  });
});
