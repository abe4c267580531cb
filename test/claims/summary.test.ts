import { summaryMarkdown } from '../../action/summary.js';
import { expectedConfiguration } from '../../src/claims/expected.js';
import type { FetchedToken } from '../../src/fetch-token.js';
import { entraProfile } from '../../src/profiles/entra.js';
import { parseSettings } from '../../src/settings.js';
import { CLIENT_ID, TENANT, V1_ISSUER, v1Claims } from './fixtures.js';

const settings = parseSettings(
  (name) =>
    ({ 'tenant-id': TENANT, 'client-id': CLIENT_ID, 'client-secret': 'not-in-the-summary' })[
      name
    ] ?? '',
);

function fetched(payload: Record<string, unknown>): FetchedToken {
  return {
    accessToken: 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln',
    tokenType: 'Bearer',
    expiresIn: 3599,
    expiresAt: new Date(Date.UTC(2030, 0, 1)),
    expirySource: 'expires_in',
    attempts: 2,
    profile: entraProfile(settings),
    payload,
    issuer: String(payload['iss']),
    audience: String(payload['aud']),
    applicationId: String(payload['appid']),
    applicationIdClaim: 'appid',
  };
}

describe('the job summary', () => {
  it(
    'shows the run and the three values marked ' + 'checked, and neither the token nor the secret',
    () => {
      const expected = expectedConfiguration(settings, entraProfile(settings), v1Claims, undefined);
      const md = summaryMarkdown(settings, {
        token: fetched(v1Claims),
        check: { expected, mismatches: [] },
        corgeaAccepted: true,
      });
      expect(md).toContain('| Token endpoint host | `login.microsoftonline.com` |');
      expect(md).toContain('| Token version | v1 |');
      expect(md).toContain('| Attempts | 2 |');
      expect(md).toContain(`| Issuer (\`iss\`) | \`${V1_ISSUER}\` | checked |`);
      expect(md).toContain(`| Allowed application ID (\`appid\`) | \`${CLIENT_ID}\` | checked |`);
      expect(md).not.toContain('eyJ');
      expect(md).not.toContain('not-in-the-summary');
    },
  );

  it('marks every value not checked when the check was off, and escapes table characters', () => {
    const md = summaryMarkdown(settings, { token: fetched({ ...v1Claims, aud: 'a|b`c' }) });
    expect(md).toContain('| Audience (`aud`) | `a\\|b c` | not checked |');
    expect(md).not.toContain('Corgea verify');
  });
});
