import { clientSecretCredential } from '../../src/credentials/client-secret.js';
import { NetworkError, OAuthError, ResponseError } from '../../src/errors.js';
import type { RequestContext } from '../../src/http/get-json.js';
import type { ClientAuth } from '../../src/settings.js';
import type { Profile } from '../../src/profiles/profile.js';
import { Secret } from '../../src/secret.js';
import { requestToken, type TokenResponse } from '../../src/token-request.js';
import { fakeClock, fakeTransport, json, text, type Answer, type FakeTransport } from './fakes.js';

const NOW = 1_700_000_000_000;
const SECRET = 'Xy8Q~sEcReT+&=% value';
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const OPAQUE_TOKEN = 'opaque-access-token-0123456789';
const ENDPOINT = 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token';

/** An unsigned JWT with `payload`: enough for code that only reads the payload. */
function jwt(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`;
}

const JWT_TOKEN = jwt({
  iss: 'https://sts.windows.net/t/',
  exp: NOW / 1000 + 600,
  appid: CLIENT_ID,
});

function profile(clientAuth: ClientAuth = 'post'): Profile {
  return {
    provider: 'entra',
    tokenEndpoint: new URL(ENDPOINT),
    clientAuth,
    issuer: undefined,
    applicationIdClaim: () => 'appid',
  };
}

interface Run {
  transport: FakeTransport;
  clock: ReturnType<typeof fakeClock>;
  debug: string[];
  protected: string[];
}

/** Requests a token against the scripted answers; returns the result or the thrown error. */
async function run(
  answers: Answer[],
  options: { clientAuth?: ClientAuth; scope?: string; resource?: string; attempts?: number } = {},
): Promise<Run & { result?: TokenResponse; error?: unknown }> {
  const transport = fakeTransport(...answers);
  const clock = fakeClock(NOW, 0.5);
  const debug: string[] = [];
  const protectedValues: string[] = [];
  const context: RequestContext = {
    transport,
    clock,
    attempts: options.attempts ?? 4,
    timeoutMs: 15_000,
    debug: (message) => debug.push(message),
  };
  const state = { transport, clock, debug, protected: protectedValues };
  try {
    const result = await requestToken(
      {
        profile: profile(options.clientAuth),
        credential: clientSecretCredential(CLIENT_ID, new Secret(SECRET)),
        scope: options.scope ?? `api://${CLIENT_ID}/.default`,
        resource: options.resource,
      },
      context,
      (value) => protectedValues.push(value),
    );
    return { ...state, result };
  } catch (error) {
    return { ...state, error };
  }
}

/** What the fake transport saw in the form body of request `n` (0-based). */
function form(transport: FakeTransport, n = 0): URLSearchParams {
  return new URLSearchParams(transport.requests[n]?.body ?? '');
}

/** Checks that neither the client secret nor a token shows in an error or in debug lines. */
function expectNothingSecret(outcome: { error?: unknown; debug: string[] }, ...tokens: string[]) {
  const shown = [
    outcome.error instanceof Error ? outcome.error.message : String(outcome.error ?? ''),
    ...outcome.debug,
  ].join('\n');
  for (const value of [SECRET, ...tokens]) expect(shown).not.toContain(value);
}

describe('requestToken: a successful response', () => {
  test('expires_in as a number gives the lifetime and the expiry from the clock', async () => {
    const { result } = await run([
      json(200, { access_token: OPAQUE_TOKEN, token_type: 'Bearer', expires_in: 3599 }),
    ]);
    expect(result).toEqual({
      accessToken: OPAQUE_TOKEN,
      tokenType: 'Bearer',
      expiresIn: 3599,
      expiresAt: new Date(NOW + 3599_000),
      expirySource: 'expires_in',
      attempts: 1,
    });
  });

  test(
    'expires_in as a numeric string, as older ' + 'Entra endpoints send it, is read too',
    async () => {
      const { result } = await run([json(200, { access_token: OPAQUE_TOKEN, expires_in: '3599' })]);
      expect(result?.expiresIn).toBe(3599);
      expect(result?.expirySource).toBe('expires_in');
    },
  );

  test('a missing token_type reads as Bearer', async () => {
    const { result } = await run([json(200, { access_token: OPAQUE_TOKEN, expires_in: 60 })]);
    expect(result?.tokenType).toBe('Bearer');
  });

  test("a missing expires_in falls back to the JWT's exp claim", async () => {
    const { result } = await run([json(200, { access_token: JWT_TOKEN, token_type: 'Bearer' })]);
    expect(result?.expiresIn).toBe(600);
    expect(result?.expirySource).toBe('exp');
    expect(result?.expiresAt).toEqual(new Date(NOW + 600_000));
  });
});

describe('requestToken: a response without a usable lifetime', () => {
  test('a missing expires_in with an opaque token is a ResponseError', async () => {
    const outcome = await run([json(200, { access_token: OPAQUE_TOKEN, token_type: 'Bearer' })]);
    expect(outcome.error).toBeInstanceOf(ResponseError);
    expect((outcome.error as ResponseError).message).toContain('no expires_in');
    expect((outcome.error as ResponseError).message).not.toContain('NaN');
    expectNothingSecret(outcome, OPAQUE_TOKEN);
  });

  test.each([
    ['a word', 'abc', '"abc"'],
    ['a negative number', -1, 'found -1.'],
    ['null', null, 'found null.'],
    ['an object', { seconds: 3600 }, 'found a value of type object.'],
    ['a number too large for a date', 1e300, 'found'],
    ['a numeric string too large for a date', '99999999999999999999', 'found'],
    ['a decimal string', '3599.5', '"3599.5"'],
    ['a boolean', true, 'found a value of type boolean.'],
    ['an array', [3600], 'found a value of type array.'],
  ])('expires_in as %s is a ResponseError that names what was found', async (_, value, found) => {
    const outcome = await run([json(200, { access_token: OPAQUE_TOKEN, expires_in: value })]);
    expect(outcome.result).toBeUndefined();
    expect(outcome.error).toBeInstanceOf(ResponseError);
    const message = (outcome.error as ResponseError).message;
    expect(message).toContain('expires_in');
    expect(message).toContain(found);
    expect(message).not.toContain('NaN');
    expectNothingSecret(outcome, OPAQUE_TOKEN);
  });
});

test('an exp claim too large for a date is a ResponseError naming exp', async () => {
  const token = jwt({ exp: 1e300 });
  const outcome = await run([json(200, { access_token: token })]);
  expect(outcome.error).toBeInstanceOf(ResponseError);
  expect((outcome.error as ResponseError).message).toContain(
    'has an exp that is not a usable lifetime',
  );
  expectNothingSecret(outcome, token);
});

describe('requestToken: a response without an access token', () => {
  test.each([
    ['missing', { token_type: 'Bearer', expires_in: 3599 }],
    ['empty', { access_token: '', expires_in: 3599 }],
    ['not a string', { access_token: 42, expires_in: 3599 }],
  ])('an access_token that is %s is a ResponseError', async (_, body) => {
    const outcome = await run([json(200, body)]);
    expect(outcome.error).toBeInstanceOf(ResponseError);
    expect((outcome.error as ResponseError).message).toContain('has no access_token');
  });

  test('a 200 with a JSON array is a ResponseError, not a crash', async () => {
    const outcome = await run([json(200, [OPAQUE_TOKEN])]);
    expect(outcome.error).toBeInstanceOf(ResponseError);
    expect((outcome.error as ResponseError).message).toContain('not a JSON object');
  });
});

describe('requestToken: OAuth and Entra error responses', () => {
  /** An Entra error body: description with the AADSTS code first, then trace lines. */
  function entraError(status: number, error: string, code: number, text: string) {
    return json(status, {
      error,
      error_description:
        `AADSTS${code}: ${text}\r\nTrace ID: 0b1c2d3e-0000-4000-8000-000000000000\r\n` +
        'Correlation ID: 1a2b3c4d-0000-4000-8000-000000000000\r\nTimestamp: 2024-01-01 00:00:00Z',
      error_codes: [code],
    });
  }

  async function oauthFailure(answer: Answer): Promise<OAuthError> {
    const outcome = await run([answer]);
    expect(outcome.error).toBeInstanceOf(OAuthError);
    expect(outcome.transport.requests).toHaveLength(1);
    expectNothingSecret(outcome);
    return outcome.error as OAuthError;
  }

  test('AADSTS7000215 (invalid secret) maps to the secret-value-not-ID fix', async () => {
    const error = await oauthFailure(
      entraError(401, 'invalid_client', 7000215, 'Invalid client secret provided.'),
    );
    expect(error.code).toBe('ERR_OAUTH');
    expect(error.error).toBe('invalid_client');
    expect(error.status).toBe(401);
    expect(error.providerCodes).toEqual([7000215]);
    expect(error.fix).toContain("the secret's value, not its secret ID");
    expect(error.message).toContain('AADSTS7000215: Invalid client secret provided.');
    expect(error.message).not.toContain('Trace ID');
    expect(error.message).toContain('login.microsoftonline.com');
  });

  test.each([
    [700016, 'unauthorized_client', 'check client-id and tenant-id together'],
    [90002, 'invalid_request', 'check tenant-id'],
    [500011, 'invalid_resource', 'create the service principal'],
    [70011, 'invalid_scope', '{resource}/.default'],
    [7000222, 'invalid_client', 'rotate'],
  ])('AADSTS%i maps to its own fix', async (code, oauthCode, fix) => {
    const error = await oauthFailure(entraError(400, oauthCode, code, 'Something is off.'));
    expect(error.providerCodes).toContain(code);
    expect(error.fix).toContain(fix);
  });

  test('an AADSTS code only in the description is still recognised', async () => {
    const error = await oauthFailure(
      json(401, {
        error: 'invalid_client',
        error_description: 'AADSTS7000215: Invalid client secret.',
      }),
    );
    expect(error.providerCodes).toEqual([7000215]);
    expect(error.fix).toContain('secret ID');
  });

  test(
    'invalid_client without an Entra code ' + 'points at the credentials and client-auth',
    async () => {
      const error = await oauthFailure(
        json(401, { error: 'invalid_client', error_description: 'Client authentication failed.' }),
      );
      expect(error.providerCodes).toEqual([]);
      expect(error.fix).toContain('client-auth');
      expect(error.message).toContain('invalid_client (status 401): Client authentication failed.');
    },
  );

  test('unauthorized_client points at the client_credentials grant', async () => {
    const error = await oauthFailure(json(400, { error: 'unauthorized_client' }));
    expect(error.fix).toContain('client_credentials');
  });

  test('Okta\'s "Policy evaluation failed" points at the access policy rule', async () => {
    const error = await oauthFailure(
      json(400, {
        error: 'access_denied',
        error_description:
          'Policy evaluation failed for this request, please check the policy configurations.',
      }),
    );
    expect(error.fix).toContain('access policy rule');
  });

  test('an unknown error code keeps the description and a generic fix', async () => {
    const error = await oauthFailure(
      json(400, { error: 'weird_error', error_description: 'Odd.' }),
    );
    expect(error.message).toContain('weird_error');
    expect(error.fix).toBeTruthy();
  });
});

describe('requestToken: retries', () => {
  const success = json(200, { access_token: OPAQUE_TOKEN, expires_in: 3599 });

  test('a 5xx and then a success is retried once and succeeds', async () => {
    const { result, transport, clock } = await run([text(503, 'busy'), success]);
    expect(result?.accessToken).toBe(OPAQUE_TOKEN);
    expect(result?.attempts).toBe(2);
    expect(transport.requests).toHaveLength(2);
    expect(clock.sleeps).toHaveLength(1);
  });

  test('a 400 is not retried: the transport is called once', async () => {
    const { error, transport, clock } = await run([json(400, { error: 'invalid_scope' }), success]);
    expect(error).toBeInstanceOf(OAuthError);
    expect(transport.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  test('a 2xx HTML page is retried', async () => {
    const { result, transport } = await run([text(200, '<html>gateway</html>'), success]);
    expect(result?.accessToken).toBe(OPAQUE_TOKEN);
    expect(transport.requests).toHaveLength(2);
  });

  test('a 2xx HTML page on every attempt is a ResponseError', async () => {
    const html = text(200, '<html>login</html>');
    const { error, transport } = await run([html, html], { attempts: 2 });
    expect(error).toBeInstanceOf(ResponseError);
    expect(transport.requests).toHaveLength(2);
  });

  test('a 5xx on every attempt is a ResponseError that says how often it was tried', async () => {
    const outcome = await run([text(500, ''), text(502, ''), text(503, '')], { attempts: 3 });
    expect(outcome.error).toBeInstanceOf(ResponseError);
    expect((outcome.error as ResponseError).message).toContain('status 503 after 3 attempts');
    expect((outcome.error as ResponseError).status).toBe(503);
  });

  test('a network error and then a success is retried', async () => {
    const refused = new NetworkError(
      { stage: 'connect', host: 'login.microsoftonline.com', systemCode: 'ECONNREFUSED' },
      'The connection to login.microsoftonline.com failed (ECONNREFUSED).',
      'check the network.',
    );
    const { result, transport } = await run([refused, success]);
    expect(result?.attempts).toBe(2);
    expect(transport.requests).toHaveLength(2);
  });

  test('a network error on every attempt is thrown with the attempt count', async () => {
    const refused = new NetworkError(
      { stage: 'connect', host: 'login.microsoftonline.com', systemCode: 'ECONNREFUSED' },
      'The connection to login.microsoftonline.com failed (ECONNREFUSED).',
      'check the network.',
    );
    const { error } = await run([refused, refused], { attempts: 2 });
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).message).toContain('Tried 2 times.');
    expect((error as NetworkError).fix).toBe('check the network.');
  });

  test('a redirect is not followed and names where it pointed', async () => {
    const { error, transport } = await run([
      text(302, '', { location: 'https://login.example.com/sign-in?x=1' }),
    ]);
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).message).toContain('login.example.com/sign-in');
    expect(transport.requests).toHaveLength(1);
  });

  test('a 404 without an OAuth body points at tenant-id, issuer or token-url', async () => {
    const { error } = await run([text(404, 'Not Found')]);
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).fix).toContain('tenant-id');
  });

  test('debug lines tell retries and timings, never a body or token', async () => {
    const outcome = await run([text(503, 'upstream says: secret-ish body'), success]);
    expect(
      outcome.debug.some((line) => line.includes('retrying after attempt 1 (status 503)')),
    ).toBe(true);
    expect(outcome.debug.join('\n')).not.toContain('secret-ish body');
    expectNothingSecret(outcome, OPAQUE_TOKEN);
  });
});

describe('requestToken: what goes on the wire', () => {
  const success = json(200, { access_token: OPAQUE_TOKEN, expires_in: 3599 });

  test(
    'protect gets the access token, and any refresh ' + 'or ID token, before requestToken resolves',
    async () => {
      const order: string[] = [];
      const transport = fakeTransport(
        json(200, {
          access_token: OPAQUE_TOKEN,
          refresh_token: 'refresh-0123',
          id_token: 'id-0123',
          expires_in: 60,
        }),
      );
      const context: RequestContext = {
        transport,
        clock: fakeClock(NOW),
        attempts: 1,
        timeoutMs: 1000,
        debug: () => order.push('debug'),
      };
      const pending = requestToken(
        {
          profile: profile(),
          credential: clientSecretCredential(CLIENT_ID, new Secret(SECRET)),
          scope: undefined,
          resource: undefined,
        },
        context,
        (value) => order.push(`protect ${value}`),
      );
      await pending.then(() => order.push('resolved'));
      expect(order.filter((entry) => entry !== 'debug')).toEqual([
        `protect ${OPAQUE_TOKEN}`,
        'protect refresh-0123',
        'protect id-0123',
        'resolved',
      ]);
    },
  );

  test('protect gets the access token even when the rest of the response is unusable', async () => {
    const outcome = await run([json(200, { access_token: OPAQUE_TOKEN, expires_in: 'soon' })]);
    expect(outcome.error).toBeInstanceOf(ResponseError);
    expect(outcome.protected).toEqual([OPAQUE_TOKEN]);
  });

  test('basic puts the secret only in the Authorization header', async () => {
    const { transport } = await run([success], { clientAuth: 'basic' });
    const request = transport.requests[0];
    expect(request?.method).toBe('POST');
    const header = request?.headers['Authorization'] ?? '';
    const pair = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');
    const [id = '', secret = ''] = pair.split(':');
    expect(decodeURIComponent(id.replace(/\+/g, ' '))).toBe(CLIENT_ID);
    expect(decodeURIComponent(secret.replace(/\+/g, ' '))).toBe(SECRET);
    expect(form(transport).has('client_secret')).toBe(false);
    expect(form(transport).has('client_id')).toBe(false);
    expect(request?.body).not.toContain(encodeURIComponent(SECRET));
    expect(request?.url.href).toBe(ENDPOINT);
  });

  test('post puts the secret only in the form body', async () => {
    const { transport } = await run([success], { clientAuth: 'post' });
    const request = transport.requests[0];
    expect(Object.keys(request?.headers ?? {}).map((h) => h.toLowerCase())).not.toContain(
      'authorization',
    );
    expect(form(transport).get('client_id')).toBe(CLIENT_ID);
    expect(form(transport).get('client_secret')).toBe(SECRET);
    expect(request?.url.href).toBe(ENDPOINT);
    expect(request?.url.search).toBe('');
  });

  test('the form carries the grant, the scope and the resource, form-encoded', async () => {
    const { transport } = await run([success], {
      scope: 'api://corgea/.default',
      resource: 'https://api.corgea.example',
    });
    const request = transport.requests[0];
    expect(request?.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers['Accept']).toBe('application/json');
    expect(form(transport).get('grant_type')).toBe('client_credentials');
    expect(form(transport).get('scope')).toBe('api://corgea/.default');
    expect(form(transport).get('resource')).toBe('https://api.corgea.example');
  });

  test('scope and resource are left out when not given', async () => {
    const transport = fakeTransport(success);
    await requestToken(
      {
        profile: profile(),
        credential: clientSecretCredential(CLIENT_ID, new Secret(SECRET)),
        scope: undefined,
        resource: undefined,
      },
      { transport, clock: fakeClock(NOW), attempts: 1, timeoutMs: 1000, debug: () => {} },
      () => {},
    );
    expect([...form(transport).keys()].sort()).toEqual([
      'client_id',
      'client_secret',
      'grant_type',
    ]);
  });

  test('every retry sends the same request', async () => {
    const { transport } = await run([text(503, ''), success]);
    expect(transport.requests[1]?.body).toBe(transport.requests[0]?.body);
    expect(transport.requests[1]?.url.href).toBe(transport.requests[0]?.url.href);
    expect(transport.requests[0]?.timeoutMs).toBe(15_000);
  });
});

describe('requestToken: fields that could carry commands or headers of their own', () => {
  test.each([
    ['a line feed and workflow commands', 'Bearer\n::set-output name=x::y\n::warning::fake'],
    ['a carriage return', 'Bearer\r::stop-commands::end'],
    ['a space', 'Bearer token'],
    ['a colon', 'Bearer:x'],
    ['an empty string', ''],
    ['65 characters', 'B'.repeat(65)],
  ])('a token_type with %s is a ResponseError that does not quote it', async (_, tokenType) => {
    const outcome = await run([
      json(200, { access_token: OPAQUE_TOKEN, token_type: tokenType, expires_in: 60 }),
    ]);
    expect(outcome.error).toBeInstanceOf(ResponseError);
    const message = (outcome.error as ResponseError).message;
    expect(message).toContain('has a token_type that is not a token type name');
    expect(message).toContain(`found a string of ${tokenType.length} characters`);
    if (tokenType) expect(message).not.toContain(tokenType);
    expect(message).not.toMatch(/[\r\n]/);
    expectNothingSecret(outcome, OPAQUE_TOKEN);
  });

  test.each(['Bearer', 'DPoP', 'N_A', 'urn.x-y~z+w/v'])(
    'a token_type of the RFC 6749 name syntax, %s, is accepted',
    async (tokenType) => {
      const { result } = await run([
        json(200, { access_token: OPAQUE_TOKEN, token_type: tokenType, expires_in: 60 }),
      ]);
      expect(result?.tokenType).toBe(tokenType);
    },
  );

  test.each([
    ['a line feed', 'abc.def\n::warning::fake'],
    ['a space', 'abc def'],
    ['a non-ASCII letter', 'abcdéf'],
  ])('an access_token with %s is a ResponseError that does not quote it', async (_, token) => {
    const outcome = await run([
      json(200, { access_token: token, token_type: 'Bearer', expires_in: 60 }),
    ]);
    expect(outcome.error).toBeInstanceOf(ResponseError);
    expect((outcome.error as ResponseError).message).toContain(
      "has an access_token with characters outside RFC 6749's syntax",
    );
    expectNothingSecret(outcome, token, 'abc');
    // Protected anyway, before the check: the runner masks it even though it is refused.
    expect(outcome.protected).toContain(token);
  });

  test('a long expires_in string is described by its length, not cut and quoted', async () => {
    const echoed = `${'9'.repeat(30)}${SECRET}`;
    const outcome = await run([
      json(200, { access_token: OPAQUE_TOKEN, token_type: 'Bearer', expires_in: echoed }),
    ]);
    expect((outcome.error as ResponseError).message).toContain(
      `found a string of ${echoed.length} characters`,
    );
    expect((outcome.error as ResponseError).message).not.toContain(SECRET.slice(0, 4));
  });
});
