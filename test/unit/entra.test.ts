import {
  ENTRA_PUBLIC_AUTHORITY,
  entraApplicationIdClaim,
  entraAudience,
  entraCorgeaValues,
  entraIssuer,
  entraKeysUrl,
  entraMetadataUrl,
  entraTokenUrl,
  entraTokenVersion,
} from '../../src/entra.js';

const T = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const APP = '11111111-2222-3333-4444-555555555555';

describe('entraIssuer', () => {
  test.each([
    [
      'the public cloud',
      'https://login.microsoftonline.com',
      `https://sts.windows.net/${T}/`,
      `https://login.microsoftonline.com/${T}/v2.0`,
    ],
    [
      'US government',
      'https://login.microsoftonline.us',
      `https://sts.windows.net/${T}/`,
      `https://login.microsoftonline.us/${T}/v2.0`,
    ],
    [
      'China (legacy authority)',
      'https://login.chinacloudapi.cn',
      `https://sts.chinacloudapi.cn/${T}/`,
      `https://login.chinacloudapi.cn/${T}/v2.0`,
    ],
    [
      'China',
      'https://login.partner.microsoftonline.cn',
      `https://sts.chinacloudapi.cn/${T}/`,
      `https://login.partner.microsoftonline.cn/${T}/v2.0`,
    ],
  ])('in %s (authority %s) v1 tokens carry %s and v2 tokens %s', (_, authority, v1, v2) => {
    expect(entraIssuer(T, 1, authority)).toBe(v1);
    expect(entraIssuer(T, 2, authority)).toBe(v2);
  });

  test('the public cloud is the default authority', () => {
    expect(ENTRA_PUBLIC_AUTHORITY).toBe('https://login.microsoftonline.com');
    expect(entraIssuer(T, 1)).toBe(`https://sts.windows.net/${T}/`);
    expect(entraIssuer(T, 2)).toBe(`https://login.microsoftonline.com/${T}/v2.0`);
  });

  test('a trailing slash or a URL object for the authority changes nothing', () => {
    expect(entraIssuer(T, 2, 'https://login.microsoftonline.us/')).toBe(
      `https://login.microsoftonline.us/${T}/v2.0`,
    );
    expect(entraIssuer(T, 2, new URL('https://login.microsoftonline.com'))).toBe(
      `https://login.microsoftonline.com/${T}/v2.0`,
    );
    expect(entraIssuer(T, 1, new URL('https://login.microsoftonline.com/'))).toBe(
      `https://sts.windows.net/${T}/`,
    );
  });

  test(
    'an authority that is no known cloud (a ' + 'stand-in) issues v1 tokens under its own origin',
    () => {
      expect(entraIssuer(T, 1, 'http://127.0.0.1:4000')).toBe(`http://127.0.0.1:4000/${T}/`);
      expect(entraIssuer(T, 2, 'http://127.0.0.1:4000')).toBe(`http://127.0.0.1:4000/${T}/v2.0`);
    },
  );

  test('a Terraform token for the tenant passes through unescaped', () => {
    const tenant = '${TfToken[TOKEN.1]}';
    expect(entraIssuer(tenant, 1)).toBe('https://sts.windows.net/${TfToken[TOKEN.1]}/');
    expect(entraIssuer(tenant, 2)).toBe(
      'https://login.microsoftonline.com/${TfToken[TOKEN.1]}/v2.0',
    );
    expect(entraIssuer(tenant, 2, 'https://login.microsoftonline.us')).toBe(
      'https://login.microsoftonline.us/${TfToken[TOKEN.1]}/v2.0',
    );
  });
});

describe('entraAudience', () => {
  test('v1 carries the identifier named in the scope, without /.default', () => {
    expect(entraAudience(1, 'api://corgea-ci/.default', APP)).toBe('api://corgea-ci');
    expect(entraAudience(1, `api://${APP}/.default`, APP)).toBe(`api://${APP}`);
    expect(entraAudience(1, 'https://corgea.contoso.com/.default', APP)).toBe(
      'https://corgea.contoso.com',
    );
  });

  test("v2 always carries the resource app's client ID", () => {
    expect(entraAudience(2, 'api://corgea-ci/.default', APP)).toBe(APP);
  });
});

describe('token version and application-ID claim', () => {
  test('ver 1.0 and 2.0 are read; anything else is unknown', () => {
    expect(entraTokenVersion({ ver: '1.0' })).toBe(1);
    expect(entraTokenVersion({ ver: '2.0' })).toBe(2);
    expect(entraTokenVersion({ ver: 2 })).toBeUndefined();
    expect(entraTokenVersion({ ver: '3.0' })).toBeUndefined();
    expect(entraTokenVersion({})).toBeUndefined();
  });

  test('v1 names the calling app in appid, v2 in azp', () => {
    expect(entraApplicationIdClaim(1)).toBe('appid');
    expect(entraApplicationIdClaim(2)).toBe('azp');
  });
});

describe('Entra URLs', () => {
  test('token endpoint: {authority}/{tenant}/oauth2/v2.0/token, whatever the token version', () => {
    expect(entraTokenUrl('https://login.microsoftonline.com', T).href).toBe(
      `https://login.microsoftonline.com/${T}/oauth2/v2.0/token`,
    );
    expect(entraTokenUrl('https://login.microsoftonline.us/', 'contoso.onmicrosoft.us').href).toBe(
      'https://login.microsoftonline.us/contoso.onmicrosoft.us/oauth2/v2.0/token',
    );
  });

  test('a tenant with URL syntax cannot leave its path segment', () => {
    expect(entraTokenUrl('https://login.microsoftonline.com', 'a/../b?x').pathname).toBe(
      '/a%2F..%2Fb%3Fx/oauth2/v2.0/token',
    );
  });

  test('metadata documents per version', () => {
    expect(entraMetadataUrl('https://login.microsoftonline.com', T, 1).href).toBe(
      `https://login.microsoftonline.com/${T}/.well-known/openid-configuration`,
    );
    expect(entraMetadataUrl('https://login.microsoftonline.com/', T, 2).href).toBe(
      `https://login.microsoftonline.com/${T}/v2.0/.well-known/openid-configuration`,
    );
  });

  test('key sets per version', () => {
    expect(entraKeysUrl('https://login.microsoftonline.com', T, 1).href).toBe(
      `https://login.microsoftonline.com/${T}/discovery/keys`,
    );
    expect(entraKeysUrl('https://login.chinacloudapi.cn', T, 2).href).toBe(
      `https://login.chinacloudapi.cn/${T}/discovery/v2.0/keys`,
    );
  });
});

describe('entraCorgeaValues', () => {
  test('v1: sts.windows.net issuer, the Application ID URI as audience, appid', () => {
    expect(
      entraCorgeaValues({
        tenantId: T,
        clientId: APP,
        applicationIdUri: `api://${APP}`,
        version: 1,
      }),
    ).toEqual({
      issuer: `https://sts.windows.net/${T}/`,
      audience: `api://${APP}`,
      allowedApplicationIds: [APP],
      applicationIdClaim: 'appid',
    });
  });

  test('v2: the authority issuer, the client ID as audience, azp', () => {
    expect(
      entraCorgeaValues({
        tenantId: T,
        clientId: APP,
        applicationIdUri: `api://${APP}`,
        version: 2,
        authorityHost: 'https://login.microsoftonline.us',
      }),
    ).toEqual({
      issuer: `https://login.microsoftonline.us/${T}/v2.0`,
      audience: APP,
      allowedApplicationIds: [APP],
      applicationIdClaim: 'azp',
    });
  });

  test(
    'Terraform tokens for tenant, client ID and ' + 'Application ID URI pass through unescaped',
    () => {
      const tenantId = '${TfToken[TOKEN.1]}';
      const clientId = '${TfToken[TOKEN.2]}';
      const applicationIdUri = '${TfToken[TOKEN.3]}';
      expect(entraCorgeaValues({ tenantId, clientId, applicationIdUri, version: 1 })).toEqual({
        issuer: 'https://sts.windows.net/${TfToken[TOKEN.1]}/',
        audience: '${TfToken[TOKEN.3]}',
        allowedApplicationIds: ['${TfToken[TOKEN.2]}'],
        applicationIdClaim: 'appid',
      });
      expect(entraCorgeaValues({ tenantId, clientId, applicationIdUri, version: 2 })).toEqual({
        issuer: 'https://login.microsoftonline.com/${TfToken[TOKEN.1]}/v2.0',
        audience: '${TfToken[TOKEN.2]}',
        allowedApplicationIds: ['${TfToken[TOKEN.2]}'],
        applicationIdClaim: 'azp',
      });
    },
  );

  test('an Application ID URI built around a client ID token keeps both intact', () => {
    const values = entraCorgeaValues({
      tenantId: T,
      clientId: '${TfToken[TOKEN.2]}',
      applicationIdUri: 'api://${TfToken[TOKEN.2]}',
      version: 1,
    });
    expect(values.audience).toBe('api://${TfToken[TOKEN.2]}');
  });
});
