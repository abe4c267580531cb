import { audienceText, decodeJwtPayload, looksLikeJwt } from '../../src/jwt-payload.js';

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('decodeJwtPayload', () => {
  test('reads the payload of a compact JWS without checking the signature', () => {
    const token = `${part({ alg: 'RS256' })}.${part({ iss: 'https://sts.windows.net/t/', ver: '1.0' })}.x`;
    expect(decodeJwtPayload(token)).toEqual({ iss: 'https://sts.windows.net/t/', ver: '1.0' });
  });

  test('reads payloads whose base64url needs the URL-safe characters', () => {
    // "?>" and "~~" encode to base64 with "/" and "+" respectively, which base64url writes "_"
    // and "-".
    const payload = { a: '?>?>', b: '~~~' };
    const token = `${part({ alg: 'none' })}.${part(payload)}.`;
    expect(part(payload)).toMatch(/[-_]/);
    expect(decodeJwtPayload(token)).toEqual(payload);
  });

  test.each([
    ['an opaque token', 'opaque-0123456789'],
    ['two parts', `${part({})}.${part({ a: 1 })}`],
    ['four parts', `a.${part({ a: 1 })}.c.d`],
    ['an empty payload', 'a..c'],
    ['a payload that is not JSON', `a.${Buffer.from('not json').toString('base64url')}.c`],
    ['a payload that is an array', `a.${part([1, 2])}.c`],
    ['a payload that is a string', `a.${part('text')}.c`],
    ['a payload that is null', `a.${part(null)}.c`],
  ])('gives undefined for %s', (_, token) => {
    expect(decodeJwtPayload(token)).toBeUndefined();
  });
});

describe('looksLikeJwt', () => {
  test('three base64url parts, the last possibly empty, look like a JWT', () => {
    expect(looksLikeJwt('eyJh.eyJi.c2ln')).toBe(true);
    expect(looksLikeJwt('eyJh.eyJi.')).toBe(true);
  });

  test('anything else does not', () => {
    expect(looksLikeJwt('corgea-api-key-0123')).toBe(false);
    expect(looksLikeJwt('a.b')).toBe(false);
    expect(looksLikeJwt('a.b.c.d')).toBe(false);
    expect(looksLikeJwt('a+b.c/d.e')).toBe(false);
    expect(looksLikeJwt('.b.c')).toBe(false);
  });
});

describe('audienceText', () => {
  test('one audience as is, several joined by commas, anything else empty', () => {
    expect(audienceText('api://corgea')).toBe('api://corgea');
    expect(audienceText(['api://corgea', 'api://other'])).toBe('api://corgea,api://other');
    expect(audienceText(['api://corgea', 7])).toBe('api://corgea');
    expect(audienceText(undefined)).toBe('');
    expect(audienceText(42)).toBe('');
  });
});
