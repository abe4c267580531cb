/**
 * A scripted OpenID issuer for the end-to-end claim tests, on 127.0.0.1 at a random port: it
 * publishes metadata (`/.well-known/openid-configuration`) and a key set (`/keys`), and its token
 * endpoint (`/token`, client_secret_post) answers with whatever token the test queued, so that a
 * run of the bundle can meet exactly the token a case needs (expired, not yet valid, signed by
 * an unpublished key, unsigned). It stands in for no particular product.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { SigningKey } from './fixtures.js';

export interface ScriptedIssuer {
  readonly issuer: string;
  /** The next token response carries `token`. */
  queue(token: string): void;
  /** Request paths in arrival order (no bodies, no headers). */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startScriptedIssuer(
  published: SigningKey,
  client: { clientId: string; clientSecret: string },
): Promise<ScriptedIssuer> {
  const tokens: string[] = [];
  const requests: string[] = [];
  let issuer = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const route = req.url ?? '';
      requests.push(`${req.method} ${route}`);
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      if (route === '/.well-known/openid-configuration') {
        return json(200, {
          issuer,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/keys`,
          token_endpoint_auth_methods_supported: ['client_secret_post'],
        });
      }
      if (route === '/keys') return json(200, { keys: [published.jwk] });
      if (route === '/token' && req.method === 'POST') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        if (
          form.get('client_id') !== client.clientId ||
          form.get('client_secret') !== client.clientSecret
        ) {
          return json(401, { error: 'invalid_client' });
        }
        const token = tokens.shift();
        if (!token)
          return json(400, { error: 'invalid_request', error_description: 'nothing queued' });
        return json(200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
      }
      return json(404, { error: 'not_found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    queue: (token) => tokens.push(token),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
