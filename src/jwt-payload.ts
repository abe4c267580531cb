/**
 * Reads the payload of a JWT *without verifying it*: enough to name its issuer, audience and
 * calling app in outputs and messages. Whether the token is genuine is the claim check's job.
 * Returns undefined for a token that is not a JWS compact serialisation (an opaque token).
 */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `token` has the shape of a JWT (three base64url parts), as Corgea's tools decide. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

/** `aud` as one string: a single audience as is, several joined with commas. */
export function audienceText(aud: unknown): string {
  if (typeof aud === 'string') return aud;
  if (Array.isArray(aud)) return aud.filter((a) => typeof a === 'string').join(',');
  return '';
}
