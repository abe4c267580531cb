/**
 * A minimal issuer for the verify tests: it publishes OpenID metadata and a key set on
 * 127.0.0.1 and signs tokens with its key, so that a test can mint exactly the claims it needs.
 * It serves nothing else; the real OpenID provider tests use the `oidc-provider` package.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

export interface TestIssuer {
  /** The issuer as tokens carry it, `http://127.0.0.1:{port}` plus the path given. */
  readonly issuer: string;
  readonly jwksUrl: string;
  /**
   * Signs `claims` with the issuer's key; iss, iat and exp (five minutes) filled in unless given.
   */
  sign(claims: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIssuer(path = ''): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  let base = '';
  const server = http.createServer((req, res) => {
    const route = (req.url ?? '').replace(/\?.*$/, '');
    if (route === `${path}/.well-known/openid-configuration`) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ issuer: `${base}${path}`, jwks_uri: `${base}${path}/keys` }));
    } else if (route === `${path}/keys`) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${base}${path}`;
  return {
    issuer,
    jwksUrl: `${issuer}/keys`,
    sign: (claims) => {
      const jwt = new SignJWT({ iss: issuer, ...claims }).setProtectedHeader({
        alg: 'RS256',
        kid: 'k1',
      });
      if (claims.iat === undefined) jwt.setIssuedAt();
      if (claims.exp === undefined) jwt.setExpirationTime('5m');
      return jwt.sign(privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
