import { expectedConfiguration } from '../../src/claims/expected.js';
import { verifyWithCorgea } from '../../src/corgea/verify.js';
import { CorgeaError } from '../../src/errors.js';
import type { HttpResponse, Transport } from '../../src/http/transport.js';
import {
  CLIENT_ID,
  V1_ISSUER,
  checkSettings,
  contextFor,
  entraInputs,
  mint,
  signingKey,
  v1Claims,
} from './fixtures.js';

const CORGEA = new URL('https://www.corgea.app');

function corgea(answers: HttpResponse[]): {
  transport: Transport;
  seen: { url: string; auth: string }[];
} {
  const seen: { url: string; auth: string }[] = [];
  return {
    seen,
    transport: async (request) => {
      seen.push({ url: request.url.href, auth: request.headers['Authorization'] ?? '' });
      return answers.shift() ?? { status: 500, headers: {}, body: '' };
    },
  };
}

const json = (status: number, body: unknown): HttpResponse => ({
  status,
  headers: {},
  body: JSON.stringify(body),
});

describe('verifyWithCorgea', () => {
  let token: string;
  beforeAll(async () => {
    token = await mint(await signingKey('k'), v1Claims);
  });

  it('passes on {"status":"ok"}, sending the JWT as a Bearer token to /api/v1/verify', async () => {
    const { transport, seen } = corgea([json(200, { status: 'ok' })]);
    const facts = { payload: v1Claims, expected: undefined, claimsChecked: true };
    await expect(verifyWithCorgea(token, CORGEA, contextFor(transport), facts)).resolves.toEqual({
      attempts: 1,
    });
    expect(seen).toEqual([
      { url: 'https://www.corgea.app/api/v1/verify', auth: `Bearer ${token}` },
    ]);
  });

  it('retries a 503 and passes on the next answer', async () => {
    const { transport } = corgea([json(503, {}), json(200, { status: 'ok' })]);
    const context = { ...contextFor(transport), attempts: 3 };
    const facts = { payload: v1Claims, expected: undefined, claimsChecked: true };
    await expect(verifyWithCorgea(token, CORGEA, context, facts)).resolves.toEqual({ attempts: 2 });
  });

  it('turns a 401 into the three values to compare, never the response body', async () => {
    const { transport } = corgea([json(401, { status: 'error', detail: 'INTERNAL-DETAIL' })]);
    const facts = { payload: v1Claims, expected: undefined, claimsChecked: true };
    const error = await verifyWithCorgea(token, CORGEA, contextFor(transport), facts).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CorgeaError);
    const message = (error as CorgeaError).message;
    expect(message).toContain(
      'Corgea refused the token at www.corgea.app/api/v1/verify (status 401).',
    );
    expect(message).toContain(
      `The token carries iss "${V1_ISSUER}", aud "api://${CLIENT_ID}" and appid "${CLIENT_ID}".`,
    );
    expect(message).toContain('compare Issuer, Audience and Allowed application IDs');
    expect(message).not.toContain('INTERNAL-DETAIL');
    expect(message).not.toContain(token);
  });

  it(
    'names the expected configuration in a 403 ' + 'diagnosis when the claims were not checked',
    async () => {
      const { transport } = corgea([json(403, { status: 'error' })]);
      const expected = expectedConfiguration(
        checkSettings(entraInputs),
        { applicationIdClaim: () => 'appid' },
        v1Claims,
        undefined,
      );
      const facts = { payload: v1Claims, expected, claimsChecked: false };
      const error = (await verifyWithCorgea(token, CORGEA, contextFor(transport), facts).catch(
        (e: unknown) => e,
      )) as CorgeaError;
      expect(error.status).toBe(403);
      expect(error.message).toContain(
        `The expected configuration is issuer "${V1_ISSUER}", audience "api://${CLIENT_ID}"`,
      );
      expect(error.message).toContain('The claims were not checked here (check-claims: false)');
    },
  );

  it('reports a 404 as a wrong corgea-url', async () => {
    const { transport } = corgea([json(404, {})]);
    const facts = { payload: v1Claims, expected: undefined, claimsChecked: true };
    await expect(verifyWithCorgea(token, CORGEA, contextFor(transport), facts)).rejects.toThrow(
      'Corgea has no verify endpoint at www.corgea.app/api/v1/verify (status 404). ' +
        'Fix: check corgea-url',
    );
  });
});
