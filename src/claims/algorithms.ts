import { ClaimError } from '../errors.js';

/**
 * The signature algorithms a token may use: asymmetric only, as Corgea verifies against the
 * issuer's published public keys. RS* and PS* (RSA), ES* (ECDSA), EdDSA and Ed25519.
 */
export const ASYMMETRIC_ALGORITHMS: readonly string[] = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]);

/**
 * Refuses a token header whose `alg` Corgea cannot verify: `none` (unsigned), HMAC (a shared
 * secret no verifier outside the issuer holds), and anything not in `ASYMMETRIC_ALGORITHMS`.
 * Each refusal has its own message, so that the cause is clear from the first line.
 */
export function checkAlgorithm(header: Readonly<Record<string, unknown>>): string {
  const alg = header['alg'];
  if (typeof alg !== 'string' || alg === '') {
    throw new ClaimError(
      'alg',
      'The token header has no alg: it does not say how it is signed.',
      'check token-url: the answer did not come from a standard token endpoint.',
    );
  }
  if (alg.toLowerCase() === 'none') {
    throw new ClaimError(
      'alg',
      'The token is unsigned (alg "none"); Corgea accepts only tokens signed with a published key.',
      'check token-url and issuer: a real identity provider never issues unsigned access tokens.',
    );
  }
  if (/^HS\d+$/i.test(alg)) {
    throw new ClaimError(
      'alg',
      `The token is signed with ${alg}, an HMAC shared secret; Corgea verifies only asymmetric ` +
        'signatures against the keys the issuer publishes.',
      'configure the authorization server to sign access tokens with RS256 (or another RS, PS, ' +
        'ES or EdDSA algorithm).',
    );
  }
  if (!ASYMMETRIC_ALGORITHMS.includes(alg)) {
    throw new ClaimError(
      'alg',
      `The token is signed with "${alg}", which is not one of ${ASYMMETRIC_ALGORITHMS.join(', ')}.`,
      'configure the authorization server to sign access tokens with RS256.',
    );
  }
  return alg;
}
