import type { FixId, LineId } from './messages.js';
import { TIMED_OUT, type Handshake } from './probes.js';

/** How a handshake reads to a user: the line to print and, when it failed, the fix. */
export interface TlsVerdict {
  readonly line: LineId;
  readonly values: Readonly<Record<string, string>>;
  readonly fix: FixId | undefined;
}

/** Node's certificate verification codes, grouped by what the user has to do about them. */
const VERIFY_CODES: Readonly<Record<string, readonly [LineId, FixId]>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: ['tlsSelfSigned', 'tlsSelfSigned'],
  SELF_SIGNED_CERT_IN_CHAIN: ['tlsUntrustedRoot', 'tlsCorporateCa'],
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: ['tlsUnknownIssuer', 'tlsCorporateCa'],
  UNABLE_TO_GET_ISSUER_CERT: ['tlsUnknownIssuer', 'tlsCorporateCa'],
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: ['tlsUnknownIssuer', 'tlsCorporateCa'],
  CERT_HAS_EXPIRED: ['tlsExpired', 'tlsExpired'],
  CERT_NOT_YET_VALID: ['tlsNotYetValid', 'tlsNotYetValid'],
  ERR_TLS_CERT_ALTNAME_INVALID: ['tlsNameMismatch', 'tlsNameMismatch'],
};

/** What OpenSSL reports when the bytes that came back were not a TLS handshake. */
const NOT_TLS =
  /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST|UNKNOWN_PROTOCOL|RECORD_LAYER/;

/**
 * Names a handshake's outcome the way a user acts on it: a self-signed certificate, an unknown
 * issuer (a private or TLS-inspecting CA), an expired or not yet valid certificate, a host-name
 * mismatch, a port that does not speak TLS, or no answer.
 */
export function judgeHandshake(handshake: Handshake, host: string): TlsVerdict {
  if (!handshake.ok) {
    const code = handshake.code;
    if (code === TIMED_OUT) return { line: 'tlsTimedOut', values: {}, fix: 'tlsFailed' };
    if (NOT_TLS.test(code)) return { line: 'tlsNotTls', values: { code }, fix: 'tlsNotTls' };
    return { line: 'tlsFailed', values: { code }, fix: 'tlsFailed' };
  }

  const certificate = handshake.certificate;
  const values = {
    host,
    subject: certificate?.subject ?? 'an unnamed subject',
    issuer: certificate?.issuer ?? 'an unnamed issuer',
    validFrom: certificate?.validFrom ?? 'an unknown date',
    validTo: certificate?.validTo ?? 'an unknown date',
    names: certificate ? namesOf(certificate.altNames, certificate.subject) : 'no names',
  };
  const code = handshake.verifyError;
  if (code === undefined) return { line: 'tlsOk', values, fix: undefined };
  const known = VERIFY_CODES[code];
  if (known) return { line: known[0], values: { ...values, code }, fix: known[1] };
  return { line: 'tlsRejected', values: { ...values, code }, fix: 'tlsRejected' };
}

/** `DNS:a.example, IP Address:127.0.0.1` reads as `a.example, 127.0.0.1`; the subject otherwise. */
function namesOf(altNames: string, subject: string): string {
  const names = altNames
    .split(',')
    .map((entry) => entry.trim().replace(/^(DNS|IP Address):/, ''))
    .filter(Boolean);
  return names.length > 0 ? names.join(', ') : subject;
}
