/**
 * The library and the command line against a real authorization server (`oidc-provider`), once
 * as a generic OIDC issuer found by discovery and once mounted the way Okta is.
 */
import { createLocalJWKSet, jwtVerify } from 'jose';

import { basicAuthorization } from '../../src/credentials/client-secret.js';
import { OAuthError } from '../../src/errors.js';
import { fetchToken } from '../../src/fetch-token.js';
import { silentLogger } from '../../src/log.js';
import { parseSettings } from '../../src/settings.js';
import {
  PEER_CLIENTS,
  PEER_EXTRA_RESOURCE,
  PEER_SCOPE,
  startOidcPeer,
  type OidcPeer,
} from '../peers/oidc-provider.js';
import { runCli } from '../support/cli.js';

let peer: OidcPeer;
beforeAll(async () => {
  peer = await startOidcPeer();
});
afterAll(async () => {
  await peer?.close();
});

function settings(inputs: Record<string, string>) {
  return parseSettings((name) => inputs[name] ?? '');
}

async function verified(token: string) {
  const keys = createLocalJWKSet({ keys: [peer.publicJwk] });
  return (await jwtVerify(token, keys)).payload;
}

describe('the generic OIDC profile against oidc-provider', () => {
  test(
    'discovery finds the token endpoint and a signed ' + 'JWT comes back with the default audience',
    async () => {
      const protected_: string[] = [];
      const token = await fetchToken(
        settings({
          provider: 'oidc',
          issuer: peer.plain.issuer,
          'client-id': PEER_CLIENTS.basic.clientId,
          'client-secret': PEER_CLIENTS.basic.clientSecret,
          scope: PEER_SCOPE,
        }),
        { log: silentLogger, protect: (value) => protected_.push(value) },
      );

      expect(token.profile.tokenEndpoint.href).toBe(peer.plain.tokenEndpoint);
      // The Basic credential (it carries the secret) before the request, the token on arrival.
      const basic = basicAuthorization(
        PEER_CLIENTS.basic.clientId,
        PEER_CLIENTS.basic.clientSecret,
      );
      expect(protected_).toEqual([basic.slice('Basic '.length), token.accessToken]);
      const payload = await verified(token.accessToken);
      expect(payload.iss).toBe(peer.plain.issuer);
      expect(payload.aud).toBe(peer.plain.defaultAudience);
      expect(payload.client_id).toBe(PEER_CLIENTS.basic.clientId);
      expect(token.issuer).toBe(peer.plain.issuer);
      expect(token.audience).toBe(peer.plain.defaultAudience);
      expect(token.applicationIdClaim).toBe('client_id');
      expect(token.applicationId).toBe(PEER_CLIENTS.basic.clientId);
      expect(token.expiresIn).toBeGreaterThan(0);
      expect(peer.requests).toContain('/oidc/.well-known/openid-configuration');
    },
  );

  test.each([
    ['basic', PEER_CLIENTS.basic],
    ['post', PEER_CLIENTS.post],
  ])(
    'client-auth %s works with a secret holding + & = %% ~ and spaces',
    async (clientAuth, client) => {
      const token = await fetchToken(
        settings({
          provider: 'oidc',
          issuer: peer.plain.issuer,
          'client-id': client.clientId,
          'client-secret': client.clientSecret,
          'client-auth': clientAuth,
          scope: PEER_SCOPE,
        }),
        { log: silentLogger, protect: () => undefined },
      );
      expect(token.profile.clientAuth).toBe(clientAuth);
      expect((await verified(token.accessToken)).client_id).toBe(client.clientId);
    },
  );

  test('the resource input becomes the audience (RFC 8707)', async () => {
    const token = await fetchToken(
      settings({
        provider: 'oidc',
        issuer: peer.plain.issuer,
        'client-id': PEER_CLIENTS.post.clientId,
        'client-secret': PEER_CLIENTS.post.clientSecret,
        'client-auth': 'post',
        resource: PEER_EXTRA_RESOURCE,
      }),
      { log: silentLogger, protect: () => undefined },
    );
    expect((await verified(token.accessToken)).aud).toBe(PEER_EXTRA_RESOURCE);
  });

  test(
    'a wrong secret is refused with invalid_client ' + 'and the message does not hold the secret',
    async () => {
      const wrong = 'wr0ng+secret&value';
      const error = await fetchToken(
        settings({
          provider: 'oidc',
          issuer: peer.plain.issuer,
          'client-id': PEER_CLIENTS.basic.clientId,
          'client-secret': wrong,
        }),
        { log: silentLogger, protect: () => undefined },
      ).catch((e: unknown) => e);
      expect(error).toMatchObject({ error: 'invalid_client' });
      expect(String((error as Error).message)).not.toContain(wrong);
    },
  );

  test(
    'an issuer that differs from the discovery ' + 'document by a trailing slash is refused',
    async () => {
      const attempt = fetchToken(
        settings({
          provider: 'oidc',
          issuer: `${peer.plain.issuer}/`,
          'client-id': PEER_CLIENTS.basic.clientId,
          'client-secret': PEER_CLIENTS.basic.clientSecret,
        }),
        { log: silentLogger, protect: () => undefined },
      );
      await expect(attempt).rejects.toMatchObject({ code: 'ERR_DISCOVERY' });
      await expect(attempt).rejects.toThrow(/trailing slash/);
    },
  );
});

describe('the Okta profile against oidc-provider mounted as an Okta authorization server', () => {
  test('{issuer}/v1/token gives a token whose cid names the client', async () => {
    const token = await fetchToken(
      settings({
        provider: 'okta',
        issuer: peer.okta.issuer,
        'client-id': PEER_CLIENTS.basic.clientId,
        'client-secret': PEER_CLIENTS.basic.clientSecret,
        scope: PEER_SCOPE,
      }),
      { log: silentLogger, protect: () => undefined },
    );

    expect(token.profile.tokenEndpoint.href).toBe(peer.okta.tokenEndpoint);
    const payload = await verified(token.accessToken);
    expect(payload.iss).toBe(peer.okta.issuer);
    expect(payload.aud).toBe('api://default');
    expect(payload.cid).toBe(PEER_CLIENTS.basic.clientId);
    expect(token.applicationIdClaim).toBe('cid');
    expect(token.applicationId).toBe(PEER_CLIENTS.basic.clientId);
  });

  test('a post client works with client-auth post at the Okta mount', async () => {
    const token = await fetchToken(
      settings({
        provider: 'okta',
        issuer: peer.okta.issuer,
        'client-id': PEER_CLIENTS.post.clientId,
        'client-secret': PEER_CLIENTS.post.clientSecret,
        'client-auth': 'post',
        scope: PEER_SCOPE,
      }),
      { log: silentLogger, protect: () => undefined },
    );
    expect((await verified(token.accessToken)).cid).toBe(PEER_CLIENTS.post.clientId);
  });

  test(
    'a resource the server does not know is ' + 'refused with invalid_target and its fix',
    async () => {
      const attempt = fetchToken(
        settings({
          provider: 'okta',
          issuer: peer.okta.issuer,
          'client-id': PEER_CLIENTS.basic.clientId,
          'client-secret': PEER_CLIENTS.basic.clientSecret,
          scope: PEER_SCOPE,
          resource: 'https://unknown.corgea.test',
        }),
        { log: silentLogger, protect: () => undefined },
      );
      await expect(attempt).rejects.toBeInstanceOf(OAuthError);
      await expect(attempt).rejects.toMatchObject({ error: 'invalid_target', status: 400 });
      await expect(attempt).rejects.toThrow(/check resource/);
    },
  );
});

describe('the command line against oidc-provider', () => {
  test(
    'token --format json prints every output ' + 'and keeps the secret and token off stderr',
    async () => {
      const run = await runCli(
        [
          'token',
          '--provider',
          'okta',
          '--issuer',
          peer.okta.issuer,
          '--client-id',
          PEER_CLIENTS.basic.clientId,
          '--scope',
          PEER_SCOPE,
          '--format',
          'json',
          // No Corgea here: the token command would otherwise ask the default Corgea URL.
          '--verify',
          'false',
        ],
        { CORGEA_CLIENT_SECRET: PEER_CLIENTS.basic.clientSecret },
      );
      expect(run.code).toBe(0);
      const outputs = JSON.parse(run.stdout) as Record<string, string>;
      expect(outputs['issuer']).toBe(peer.okta.issuer);
      expect(outputs['audience']).toBe('api://default');
      expect(outputs['application-id']).toBe(PEER_CLIENTS.basic.clientId);
      expect((await verified(outputs['token'] ?? '')).cid).toBe(PEER_CLIENTS.basic.clientId);
      expect(run.stderr).toContain('127.0.0.1');
      expect(run.stderr).not.toContain(PEER_CLIENTS.basic.clientSecret);
      expect(run.stderr).not.toContain(outputs['token']);
    },
  );

  test('token by discovery with the secret from stdin prints the token alone', async () => {
    const run = await runCli(
      [
        'token',
        '--provider',
        'oidc',
        '--issuer',
        peer.plain.issuer,
        '--client-id',
        PEER_CLIENTS.post.clientId,
        '--client-secret-stdin',
        '--verify',
        'false',
      ],
      {},
      `${PEER_CLIENTS.post.clientSecret}\n`,
    );
    expect(run.code).toBe(0);
    expect((await verified(run.stdout.trim())).client_id).toBe(PEER_CLIENTS.post.clientId);
  });

  test('a refused secret exits with the OAuth exit code and names invalid_client', async () => {
    const run = await runCli(
      [
        'token',
        '--provider',
        'oidc',
        '--issuer',
        peer.plain.issuer,
        '--client-id',
        PEER_CLIENTS.basic.clientId,
      ],
      { CORGEA_CLIENT_SECRET: 'not the secret at all' },
    );
    expect(run.code).toBe(4);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/invalid_client/);
    expect(run.stderr).not.toContain('not the secret at all');
  });
});
