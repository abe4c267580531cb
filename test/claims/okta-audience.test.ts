import { expectedConfiguration, OKTA_DEFAULT_AUDIENCE } from '../../src/claims/expected.js';
import { checkSettings } from './fixtures.js';

const cid = { applicationIdClaim: () => 'cid' };

describe('the audience expected of an Okta token', () => {
  test('is api://default for the built-in default authorization server', () => {
    const settings = checkSettings({
      provider: 'okta',
      issuer: 'https://example.okta.com/oauth2/default',
      'client-id': 'svc',
    });
    expect(expectedConfiguration(settings, cid, {}, undefined).audience).toBe(
      OKTA_DEFAULT_AUDIENCE,
    );
  });

  test('is not assumed for a custom server, whose audience its admin chose', () => {
    const settings = checkSettings({
      provider: 'okta',
      issuer: 'https://example.okta.com/oauth2/aus1abc',
      'client-id': 'svc',
    });
    expect(expectedConfiguration(settings, cid, {}, undefined).audience).toBeUndefined();
  });

  test('is expected-audience when given, on any server', () => {
    const settings = checkSettings({
      provider: 'okta',
      issuer: 'https://example.okta.com/oauth2/aus1abc',
      'client-id': 'svc',
      'expected-audience': 'api://scans',
    });
    expect(expectedConfiguration(settings, cid, {}, undefined).audience).toBe('api://scans');
  });
});
