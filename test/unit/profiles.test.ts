import { discoverIssuer } from '../../src/discovery.js';
import { DiscoveryError, ResponseError } from '../../src/errors.js';
import type { RequestContext } from '../../src/http/get-json.js';
import type { Transport } from '../../src/http/transport.js';
import { entraProfile } from '../../src/profiles/entra.js';
import { chooseClientAuth, oidcProfile } from '../../src/profiles/oidc.js';
import { oktaProfile } from '../../src/profiles/okta.js';
import { resolveProfile } from '../../src/profiles/profile.js';
import { parseSettings, type Settings } from '../../src/settings.js';
import { fakeClock, fakeTransport, json, routedTransport, text } from './fakes.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

function settings(inputs: Record<string, string>): Settings {
  const all: Record<string, string> = {
    'client-id': 'app',
    'client-secret': 'secret-value',
    ...inputs,
  };
  return parseSettings((name) => all[name] ?? '');
}

function context(transport: Transport, attempts = 2): RequestContext {
  return { transport, clock: fakeClock(), attempts, timeoutMs: 5000, debug: () => {} };
}

/** A metadata document for `issuer` with its token endpoint under it. */
function metadata(issuer: string, extra: Record<string, unknown> = {}) {
  return json(200, {
    issuer,
    token_endpoint: `${issuer.replace(/\/$/, '')}/token`,
    jwks_uri: `${issuer.replace(/\/$/, '')}/jwks`,
    ...extra,
  });
}

/** Runs discovery that must fail, and returns its DiscoveryError. */
async function discoveryFailure(issuer: string, ctx: RequestContext): Promise<DiscoveryError> {
  const error: unknown = await discoverIssuer(issuer, ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DiscoveryError);
  return error as DiscoveryError;
}

describe('entra profile', () => {
  test.each([
    [
      'https://login.microsoftonline.com',
      TENANT,
      `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`,
    ],
    [
      'https://login.microsoftonline.us/',
      TENANT,
      `https://login.microsoftonline.us/${TENANT}/oauth2/v2.0/token`,
    ],
    [
      'https://login.chinacloudapi.cn',
      'contoso.partner.onmschina.cn',
      'https://login.chinacloudapi.cn/contoso.partner.onmschina.cn/oauth2/v2.0/token',
    ],
    [
      'http://127.0.0.1:8443/stand-in/',
      TENANT,
      `http://127.0.0.1:8443/stand-in/${TENANT}/oauth2/v2.0/token`,
    ],
  ])('authority %s and tenant %s give the token URL %s', (authority, tenant, url) => {
    const profile = entraProfile(settings({ 'tenant-id': tenant, 'authority-host': authority }));
    expect(profile.tokenEndpoint.href).toBe(url);
  });

  test('sends the secret in the body by default, as Entra documents', () => {
    expect(entraProfile(settings({ 'tenant-id': TENANT })).clientAuth).toBe('post');
    expect(entraProfile(settings({ 'tenant-id': TENANT, 'client-auth': 'basic' })).clientAuth).toBe(
      'basic',
    );
  });

  test('token-url overrides the built URL', () => {
    const profile = entraProfile(
      settings({ 'tenant-id': TENANT, 'token-url': 'https://proxy.example.com/entra/token' }),
    );
    expect(profile.tokenEndpoint.href).toBe('https://proxy.example.com/entra/token');
  });

  test('names appid for v1 tokens and tokens without ver, azp for v2', () => {
    const profile = entraProfile(settings({ 'tenant-id': TENANT }));
    expect(profile.applicationIdClaim({ ver: '1.0' })).toBe('appid');
    expect(profile.applicationIdClaim({})).toBe('appid');
    expect(profile.applicationIdClaim({ ver: '2.0' })).toBe('azp');
    expect(profile.issuer).toBeUndefined();
  });
});

describe('okta profile', () => {
  test.each([
    'https://example.okta.com/oauth2/default',
    'https://example.okta.com/oauth2/default/',
  ])('issuer %s gives {issuer}/v1/token', (issuer) => {
    const profile = oktaProfile(settings({ provider: 'okta', issuer, scope: 'corgea.scan' }));
    expect(profile.tokenEndpoint.href).toBe('https://example.okta.com/oauth2/default/v1/token');
  });

  test('keeps the issuer as written, uses HTTP Basic and names cid', () => {
    const profile = oktaProfile(
      settings({
        provider: 'okta',
        issuer: 'https://example.okta.com/oauth2/aus1a2b3',
        scope: 's',
      }),
    );
    expect(profile.issuer).toBe('https://example.okta.com/oauth2/aus1a2b3');
    expect(profile.clientAuth).toBe('basic');
    expect(profile.applicationIdClaim({ cid: 'x', azp: 'y' })).toBe('cid');
  });

  test('token-url and client-auth override the defaults', () => {
    const profile = oktaProfile(
      settings({
        provider: 'okta',
        issuer: 'https://example.okta.com/oauth2/default',
        scope: 's',
        'token-url': 'https://example.okta.com/oauth2/v1/token',
        'client-auth': 'post',
      }),
    );
    expect(profile.tokenEndpoint.href).toBe('https://example.okta.com/oauth2/v1/token');
    expect(profile.clientAuth).toBe('post');
  });
});

describe('resolveProfile', () => {
  test('entra and okta make no request', async () => {
    const transport = fakeTransport();
    await resolveProfile(settings({ 'tenant-id': TENANT }), context(transport));
    await resolveProfile(
      settings({ provider: 'okta', issuer: 'https://example.okta.com/oauth2/default', scope: 's' }),
      context(transport),
    );
    expect(transport.requests).toEqual([]);
  });

  test('oidc reads the issuer metadata', async () => {
    const transport = routedTransport({
      'https://idp.example.com/.well-known/openid-configuration':
        metadata('https://idp.example.com'),
    });
    const profile = await resolveProfile(
      settings({ provider: 'oidc', issuer: 'https://idp.example.com' }),
      context(transport),
    );
    expect(profile.provider).toBe('oidc');
    expect(profile.tokenEndpoint.href).toBe('https://idp.example.com/token');
  });
});

describe('discoverIssuer', () => {
  test('reads {issuer}/.well-known/openid-configuration with a GET asking for JSON', async () => {
    const transport = routedTransport({
      'https://idp.example.com/tenant-a/.well-known/openid-configuration': metadata(
        'https://idp.example.com/tenant-a',
        { token_endpoint_auth_methods_supported: ['client_secret_post'] },
      ),
    });
    const found = await discoverIssuer('https://idp.example.com/tenant-a', context(transport));
    expect(found).toEqual({
      issuer: 'https://idp.example.com/tenant-a',
      tokenEndpoint: new URL('https://idp.example.com/tenant-a/token'),
      tokenEndpointAuthMethods: ['client_secret_post'],
      jwksUri: new URL('https://idp.example.com/tenant-a/jwks'),
      source: new URL('https://idp.example.com/tenant-a/.well-known/openid-configuration'),
    });
    expect(transport.requests).toHaveLength(1);
    expect(transport.requests[0]?.method).toBe('GET');
    expect(transport.requests[0]?.headers['Accept']).toBe('application/json');
  });

  test('an issuer with a trailing slash gets no double slash in the metadata URL', async () => {
    const transport = routedTransport({
      'https://idp.example.com/.well-known/openid-configuration': metadata(
        'https://idp.example.com/',
      ),
    });
    const found = await discoverIssuer('https://idp.example.com/', context(transport));
    expect(found.issuer).toBe('https://idp.example.com/');
  });

  test(
    'falls back to /.well-known/oauth-authorization-server{path} ' + '(RFC 8414) on 404',
    async () => {
      const transport = routedTransport({
        'https://idp.example.com/.well-known/oauth-authorization-server/tenant-a': metadata(
          'https://idp.example.com/tenant-a',
        ),
      });
      const found = await discoverIssuer('https://idp.example.com/tenant-a', context(transport));
      expect(found.source.href).toBe(
        'https://idp.example.com/.well-known/oauth-authorization-server/tenant-a',
      );
      expect(transport.requests.map((r) => r.url.href)).toEqual([
        'https://idp.example.com/tenant-a/.well-known/openid-configuration',
        'https://idp.example.com/.well-known/oauth-authorization-server/tenant-a',
      ]);
    },
  );

  test('a 404 is not retried', async () => {
    const transport = routedTransport({});
    await expect(discoverIssuer('https://idp.example.com', context(transport, 4))).rejects.toThrow(
      DiscoveryError,
    );
    expect(transport.requests).toHaveLength(2);
  });

  test(
    'no metadata at either place is a DiscoveryError ' + 'that lists both and suggests token-url',
    async () => {
      const error = await discoveryFailure(
        'https://idp.example.com/tenant-a',
        context(routedTransport({})),
      );
      expect(error).toBeInstanceOf(DiscoveryError);
      expect(error.code).toBe('ERR_DISCOVERY');
      expect(error.message).toContain('/tenant-a/.well-known/openid-configuration (404)');
      expect(error.message).toContain('/.well-known/oauth-authorization-server/tenant-a (404)');
      expect(error.fix).toContain('token-url');
    },
  );

  test(
    'an issuer that differs only by a trailing ' + 'slash is a mismatch naming both values',
    async () => {
      const transport = routedTransport({
        'https://idp.example.com/.well-known/openid-configuration': metadata(
          'https://idp.example.com/',
        ),
      });
      const error = await discoveryFailure('https://idp.example.com', context(transport));
      expect(error).toBeInstanceOf(DiscoveryError);
      expect(error.message).toContain('describes the issuer "https://idp.example.com/"');
      expect(error.message).toContain('not "https://idp.example.com" as given');
      expect(error.fix).toContain('trailing slash');
    },
  );

  test('metadata without token_endpoint is a DiscoveryError suggesting token-url', async () => {
    const transport = routedTransport({
      'https://idp.example.com/.well-known/openid-configuration': json(200, {
        issuer: 'https://idp.example.com',
      }),
    });
    const error = await discoveryFailure('https://idp.example.com', context(transport));
    expect(error).toBeInstanceOf(DiscoveryError);
    expect(error.message).toContain('has no token_endpoint');
    expect(error.fix).toContain('token-url');
  });

  test('a token_endpoint that is plain http on a remote host is a DiscoveryError', async () => {
    const transport = routedTransport({
      'https://idp.example.com/.well-known/openid-configuration': metadata(
        'https://idp.example.com',
        {
          token_endpoint: 'http://idp.example.com/token',
        },
      ),
    });
    const error = await discoveryFailure('https://idp.example.com', context(transport));
    expect(error).toBeInstanceOf(DiscoveryError);
    expect(error.message).toContain('token_endpoint');
    expect(error.message).toContain('http://idp.example.com');
    expect(error.fix).toContain('token-url');
  });

  test('a 5xx is retried, and a lasting one is a DiscoveryError with the status', async () => {
    const transport = routedTransport({
      'https://idp.example.com/.well-known/openid-configuration': text(503, ''),
    });
    const error = await discoveryFailure('https://idp.example.com', context(transport, 3));
    expect(error).toBeInstanceOf(DiscoveryError);
    expect(error.message).toContain('status 503');
    expect(transport.requests).toHaveLength(3);
  });

  test('a login page instead of metadata is a ResponseError', async () => {
    const transport = routedTransport({
      'https://idp.example.com/.well-known/openid-configuration': text(200, '<html>sign in</html>'),
    });
    await expect(discoverIssuer('https://idp.example.com', context(transport))).rejects.toThrow(
      ResponseError,
    );
  });
});

describe('oidc profile', () => {
  const issuer = 'https://idp.example.com';
  const docUrl = 'https://idp.example.com/.well-known/openid-configuration';

  test('takes the token endpoint and the client authentication from discovery', async () => {
    const transport = routedTransport({
      [docUrl]: metadata(issuer, { token_endpoint_auth_methods_supported: ['client_secret_post'] }),
    });
    const profile = await oidcProfile(settings({ provider: 'oidc', issuer }), context(transport));
    expect(profile.tokenEndpoint.href).toBe('https://idp.example.com/token');
    expect(profile.clientAuth).toBe('post');
    expect(profile.issuer).toBe(issuer);
  });

  test('token-url and client-auth given together mean no discovery request', async () => {
    const transport = fakeTransport();
    const profile = await oidcProfile(
      settings({
        provider: 'oidc',
        issuer,
        'token-url': 'https://idp.example.com/oauth/token',
        'client-auth': 'post',
      }),
      context(transport),
    );
    expect(transport.requests).toEqual([]);
    expect(profile.tokenEndpoint.href).toBe('https://idp.example.com/oauth/token');
    expect(profile.clientAuth).toBe('post');
  });

  test('token-url alone still reads the metadata for the client authentication', async () => {
    const transport = routedTransport({
      [docUrl]: metadata(issuer, { token_endpoint_auth_methods_supported: ['client_secret_post'] }),
    });
    const profile = await oidcProfile(
      settings({ provider: 'oidc', issuer, 'token-url': 'https://idp.example.com/oauth/token' }),
      context(transport),
    );
    expect(transport.requests).toHaveLength(1);
    expect(profile.tokenEndpoint.href).toBe('https://idp.example.com/oauth/token');
    expect(profile.clientAuth).toBe('post');
  });

  test('client-auth alone still reads the metadata for the token endpoint', async () => {
    const transport = routedTransport({
      [docUrl]: metadata(issuer, { token_endpoint_auth_methods_supported: ['client_secret_post'] }),
    });
    const profile = await oidcProfile(
      settings({ provider: 'oidc', issuer, 'client-auth': 'basic' }),
      context(transport),
    );
    expect(profile.tokenEndpoint.href).toBe('https://idp.example.com/token');
    expect(profile.clientAuth).toBe('basic');
  });

  test('names client_id first, then azp, cid and appid, whichever the token has', async () => {
    const profile = await oidcProfile(
      settings({
        provider: 'oidc',
        issuer,
        'token-url': `${issuer}/token`,
        'client-auth': 'basic',
      }),
      context(fakeTransport()),
    );
    expect(profile.applicationIdClaim({ client_id: 'a', azp: 'b' })).toBe('client_id');
    expect(profile.applicationIdClaim({ azp: 'b', cid: 'c' })).toBe('azp');
    expect(profile.applicationIdClaim({ cid: 'c' })).toBe('cid');
    expect(profile.applicationIdClaim({ appid: 'd' })).toBe('appid');
    expect(profile.applicationIdClaim({ sub: 'e' })).toBe('client_id');
  });
});

describe('chooseClientAuth', () => {
  const issuer = 'https://idp.example.com';

  test('no list, or an empty one, means client_secret_basic (RFC 8414 default)', () => {
    expect(chooseClientAuth(undefined, issuer)).toBe('basic');
    expect(chooseClientAuth([], issuer)).toBe('basic');
  });

  test('basic is preferred when both are listed', () => {
    expect(chooseClientAuth(['client_secret_post', 'client_secret_basic'], issuer)).toBe('basic');
  });

  test('post is taken when it is the only secret method', () => {
    expect(chooseClientAuth(['private_key_jwt', 'client_secret_post'], issuer)).toBe('post');
  });

  test('neither secret method is a DiscoveryError listing what the issuer offers', () => {
    expect(() => chooseClientAuth(['private_key_jwt', 'tls_client_auth'], issuer)).toThrow(
      DiscoveryError,
    );
    expect(() => chooseClientAuth(['private_key_jwt', 'tls_client_auth'], issuer)).toThrow(
      /lists private_key_jwt, tls_client_auth/,
    );
  });
});
