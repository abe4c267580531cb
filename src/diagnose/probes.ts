/**
 * The questions the connectivity diagnosis asks the network, one per stage, each answered with an
 * outcome instead of an exception. Injected, so that unit tests decide every answer; the real
 * answers come from `nodeProbes`, on node's own `dns`, `net` and `tls`.
 */
export interface Probes {
  /** Resolves a host name (never an IP address) to its addresses. */
  resolve(hostname: string): Promise<Resolution>;
  /** Opens a TCP connection and closes it again. */
  connect(endpoint: Endpoint): Promise<Connection>;
  /** Runs a TLS handshake with `endpoint` and reports how `hostname`'s certificate verified. */
  handshake(endpoint: Endpoint, hostname: string): Promise<Handshake>;
  /**
   * Asks the proxy at `proxy` to open a tunnel to `authority`; on success, and when `tlsHostname`
   * is given, runs a TLS handshake with that host through the tunnel.
   */
  tunnel(request: TunnelRequest): Promise<Tunnel>;
}

/** An address and port to connect to. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export interface TunnelRequest {
  readonly proxy: Endpoint & { readonly secure: boolean; readonly hostname: string };
  /** `host:port` as the CONNECT line carries it. */
  readonly authority: string;
  /** Proxy-Authorization when the proxy URL carries credentials; never printed. */
  readonly headers: Readonly<Record<string, string>>;
  readonly tlsHostname: string | undefined;
}

/** A probe that got no answer: the system or TLS error code, `ETIMEDOUT` when time ran out. */
export interface ProbeFailure {
  readonly ok: false;
  readonly code: string;
}

export type Resolution =
  { readonly ok: true; readonly addresses: readonly string[] } | ProbeFailure;

export type Connection = { readonly ok: true } | ProbeFailure;

/** What the peer's certificate says, for messages; nothing in it is secret. */
export interface CertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  /** ISO 8601, or the text the certificate gave when it does not parse. */
  readonly validFrom: string;
  readonly validTo: string;
  /** The subject alternative names, e.g. `DNS:example.com, IP Address:127.0.0.1`. */
  readonly altNames: string;
}

/**
 * A handshake that completed. `verifyError` is the reason node would reject the certificate
 * (`DEPTH_ZERO_SELF_SIGNED_CERT`, `ERR_TLS_CERT_ALTNAME_INVALID`, …), absent when it verifies.
 */
export type Handshake =
  | {
      readonly ok: true;
      readonly verifyError: string | undefined;
      readonly certificate: CertificateSummary | undefined;
    }
  | ProbeFailure;

export type Tunnel =
  | { readonly ok: true; readonly status: number; readonly handshake: Handshake | undefined }
  | ProbeFailure;

/** The code a probe reports when its time limit passed. */
export const TIMED_OUT = 'ETIMEDOUT';
