/**
 * Keys, tokens and a fake network for the claim-check tests: tokens are minted here with jose,
 * and the "issuer" is a table of URLs answering JSON, which records every request it gets.
 */
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

import type { RequestContext } from '../../src/http/get-json.js';
import type { HttpRequest, HttpResponse, Transport } from '../../src/http/transport.js';
import { parseCheckSettings, type CheckSettings } from '../../src/settings.js';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
export const AUTHORITY = 'https://login.microsoftonline.com';
export const V1_ISSUER = `https://sts.windows.net/${TENANT}/`;
export const V2_ISSUER = `${AUTHORITY}/${TENANT}/v2.0`;
export const V1_KEYS = `${AUTHORITY}/${TENANT}/discovery/keys`;
export const V2_KEYS = `${AUTHORITY}/${TENANT}/discovery/v2.0/keys`;

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

export async function signingKey(kid: string, alg = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, use: 'sig' } };
}

/** A token signed with `key`, valid for an hour from now unless the claims say otherwise. */
export async function mint(
  key: SigningKey,
  claims: Record<string, unknown>,
  alg = 'RS256',
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iat: now, nbf: now, exp: now + 3600, ...claims })
    .setProtectedHeader({ alg, kid: key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}

export const v1Claims = {
  iss: V1_ISSUER,
  aud: `api://${CLIENT_ID}`,
  appid: CLIENT_ID,
  tid: TENANT,
  ver: '1.0',
};

export const v2Claims = { iss: V2_ISSUER, aud: CLIENT_ID, azp: CLIENT_ID, tid: TENANT, ver: '2.0' };

/** A network that answers the listed URLs with JSON (a function is called per request). */
export function fakeNetwork(routes: Record<string, unknown | (() => unknown)>): {
  transport: Transport;
  requests: string[];
} {
  const requests: string[] = [];
  const transport: Transport = async (request: HttpRequest): Promise<HttpResponse> => {
    requests.push(`${request.method} ${request.url.href}`);
    const route = routes[request.url.href];
    if (route === undefined) return { status: 404, headers: {}, body: '{"error":"not_found"}' };
    const body = typeof route === 'function' ? (route as () => unknown)() : route;
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    };
  };
  return { transport, requests };
}

export function contextFor(transport: Transport): RequestContext {
  return {
    transport,
    clock: { now: () => Date.now(), sleep: async () => {}, random: () => 0 },
    attempts: 1,
    timeoutMs: 1000,
    debug: () => {},
    metadata: new Map(),
  };
}

/** Check settings from inputs written as the action takes them. */
export function checkSettings(inputs: Record<string, string>): CheckSettings {
  return parseCheckSettings((name) => inputs[name] ?? '');
}

export const entraInputs = { provider: 'entra', 'tenant-id': TENANT, 'client-id': CLIENT_ID };
