/**
 * Tokens shaped to slip past the claim check: an unencoded payload (RFC 7797 `b64: false`, which
 * jose verifies) and time claims that are not numbers. Each must be refused with a ClaimError
 * naming the claim, never pass and never end as an unforeseen failure.
 */
import { FlattenedSign } from 'jose';

import { checkClaims } from '../../src/claims/check-claims.js';
import { verifyWithCorgea } from '../../src/corgea/verify.js';
import { ClaimError, CorgeaError } from '../../src/errors.js';
import { resolveProfile } from '../../src/profiles/profile.js';
import {
  V1_KEYS,
  checkSettings,
  contextFor,
  entraInputs,
  fakeNetwork,
  mint,
  signingKey,
  v1Claims,
  type SigningKey,
} from './fixtures.js';

let key: SigningKey;
beforeAll(async () => {
  key = await signingKey('key-1');
});

async function outcome(token: string): Promise<unknown> {
  const settings = checkSettings(entraInputs);
  const context = contextFor(fakeNetwork({ [V1_KEYS]: { keys: [key.jwk] } }).transport);
  const profile = await resolveProfile(settings, context);
  return checkClaims(token, settings, profile, context).then(
    () => 'passed',
    (error: unknown) => error,
  );
}

/**
 * A token whose header says `b64: false`: the payload segment is the base64url of good claims,
 * so an unverified read sees them, while the signature covers the segment's text as raw bytes.
 */
async function unencodedPayloadToken(claims: Record<string, unknown>): Promise<string> {
  const segment = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const jws = await new FlattenedSign(new TextEncoder().encode(segment))
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, b64: false, crit: ['b64'] })
    .sign(key.privateKey);
  return `${jws.protected}.${segment}.${jws.signature}`;
}

describe('checkClaims refuses tokens it cannot read the way Corgea does', () => {
  it('refuses a b64:false token with a ClaimError, not an unexpected JSON failure', async () => {
    const now = Math.floor(Date.now() / 1000);
    const error = await outcome(await unencodedPayloadToken({ ...v1Claims, exp: now + 600 }));
    expect(error).toBeInstanceOf(ClaimError);
    expect((error as ClaimError).claim).toBe('b64');
    expect((error as ClaimError).message).toContain('unencoded payload');
  });

  it.each([
    ['a string', '1700000000', 'a string, "1700000000"'],
    ['null', null, 'null'],
    ['an array', [1], 'a value of type array'],
  ])('refuses an nbf that is %s instead of passing over it', async (_, nbf, found) => {
    const error = await outcome(await mint(key, { ...v1Claims, nbf }));
    expect(error).toBeInstanceOf(ClaimError);
    expect((error as ClaimError).claim).toBe('nbf');
    expect((error as ClaimError).message).toContain(`Claim nbf: found ${found}, expected absent`);
  });

  it('accepts a token without nbf', async () => {
    expect(await outcome(await mint(key, { ...v1Claims, nbf: undefined }))).toBe('passed');
  });

  it('names the type of an exp that is a string rather than calling it absent', async () => {
    const error = await outcome(await mint(key, { ...v1Claims, exp: '9999999999' }));
    expect((error as ClaimError).claim).toBe('exp');
    expect((error as ClaimError).message).toContain('Claim exp: found a string, "9999999999"');
  });
});

describe('a token with 100,000 audiences gives messages of a readable size', () => {
  const aud = Array.from({ length: 100_000 }, (_, i) => `api://audience-${i}`);

  it('the aud mismatch lists ten audiences and counts the rest', async () => {
    const error = await outcome(await mint(key, { ...v1Claims, aud }));
    expect((error as ClaimError).claim).toBe('aud');
    expect((error as ClaimError).message).toContain(
      '"api://audience-8", "api://audience-9" and 99990 more, expected',
    );
    expect((error as ClaimError).message.length).toBeLessThan(2000);
  });

  it("Corgea's refusal quotes at most 1,000 characters of the audience", async () => {
    const token = await mint(key, { ...v1Claims, aud });
    const transport = async () => ({ status: 401, headers: {}, body: '{"status":"error"}' });
    const error = await verifyWithCorgea(
      token,
      new URL('https://corgea.example'),
      contextFor(transport),
      {
        payload: { ...v1Claims, aud },
        expected: undefined,
        claimsChecked: true,
      },
    ).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CorgeaError);
    expect((error as CorgeaError).message).toMatch(
      /aud "api:\/\/audience-0,.*… \(\d+ more characters\)"/,
    );
    expect((error as CorgeaError).message.length).toBeLessThan(3000);
  });
});

describe('a token that names its caller twice', () => {
  it('fails when a claim Corgea reads (cid) names an app that is not allowed', async () => {
    const error = await outcome(await mint(key, { ...v1Claims, cid: 'some-other-app' }));
    expect(error).toBeInstanceOf(ClaimError);
    expect((error as ClaimError).message).toContain('Claim cid: found "some-other-app"');
  });

  it('passes when both name the allowed app', async () => {
    const error = await outcome(await mint(key, { ...v1Claims, cid: v1Claims.appid }));
    expect(error).toBe('passed');
  });
});
