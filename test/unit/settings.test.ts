import { inspect } from 'node:util';

import { InputError } from '../../src/errors.js';
import { parseSettings, type Settings } from '../../src/settings.js';

const SECRET = 's3cr3t~value+with&odd=chars';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '11111111-2222-3333-4444-555555555555';

/** A reader over the given inputs; everything else reads as empty, as an absent runner input. */
function reader(inputs: Record<string, string>) {
  return (name: string): string => inputs[name] ?? '';
}

const entra = { 'tenant-id': TENANT, 'client-id': CLIENT, 'client-secret': SECRET };
const okta = {
  provider: 'okta',
  issuer: 'https://example.okta.com/oauth2/default',
  'client-id': '0oa1abcdEFGH',
  'client-secret': SECRET,
  scope: 'corgea.scan',
};
const oidc = {
  provider: 'oidc',
  issuer: 'https://idp.example.com',
  'client-id': 'ci-client',
  'client-secret': SECRET,
};

function parse(inputs: Record<string, string>): Settings {
  return parseSettings(reader(inputs));
}

/** Parses, expects an InputError for `input`, and returns it for further checks. */
function inputError(inputs: Record<string, string>, input: string): InputError {
  let caught: unknown;
  try {
    parse(inputs);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InputError);
  const error = caught as InputError;
  expect(error.code).toBe('ERR_INPUT');
  expect(error.input).toBe(input);
  expect(error.message.startsWith(`Input ${input}: `)).toBe(true);
  expect(error.fix).toBeTruthy();
  expect(error.message).not.toContain(SECRET);
  return error;
}

describe('parseSettings: defaults', () => {
  test('an Entra run with only tenant, client ID and secret takes every default', () => {
    const settings = parse(entra);
    expect(settings.provider).toBe('entra');
    expect(settings.tenantId).toBe(TENANT);
    expect(settings.authorityHost.origin).toBe('https://login.microsoftonline.com');
    expect(settings.issuer).toBeUndefined();
    expect(settings.tokenUrl).toBeUndefined();
    expect(settings.clientId).toBe(CLIENT);
    expect(settings.clientSecret.reveal()).toBe(SECRET);
    expect(settings.scope).toBe(`api://${CLIENT}/.default`);
    expect(settings.resource).toBeUndefined();
    expect(settings.clientAuth).toBeUndefined();
    expect(settings.exportVariable).toBe('');
    expect(settings.corgeaUrl.href).toBe('https://www.corgea.app/');
    expect(settings.outputToken).toBe(true);
    expect(settings.attempts).toBe(4);
    expect(settings.timeoutMs).toBe(15_000);
  });

  test('the provider name is read without regard to case', () => {
    expect(parse({ ...entra, provider: 'Entra' }).provider).toBe('entra');
    expect(parse({ ...okta, provider: 'OKTA' }).provider).toBe('okta');
  });
});

describe('parseSettings: client ID and secret', () => {
  test('a missing client ID is refused naming client-id', () => {
    const error = inputError({ ...entra, 'client-id': '' }, 'client-id');
    expect(error.message).toContain('is required');
  });

  test('a client ID with a space is refused', () => {
    const error = inputError({ ...entra, 'client-id': 'abc def' }, 'client-id');
    expect(error.message).toContain('"abc def"');
  });

  test('a missing client secret is refused naming client-secret', () => {
    inputError({ ...entra, 'client-secret': '' }, 'client-secret');
  });
});

describe('parseSettings: provider', () => {
  test('an unknown provider is refused, listing the known ones', () => {
    const error = inputError({ ...entra, provider: 'auth0' }, 'provider');
    expect(error.message).toContain('"auth0"');
    expect(error.message).toContain('entra, okta, oidc');
  });
});

describe('parseSettings: tenant-id', () => {
  test('a GUID in any case and a verified domain are accepted', () => {
    expect(parse({ ...entra, 'tenant-id': TENANT.toUpperCase() }).tenantId).toBe(
      TENANT.toUpperCase(),
    );
    expect(parse({ ...entra, 'tenant-id': 'contoso.onmicrosoft.com' }).tenantId).toBe(
      'contoso.onmicrosoft.com',
    );
  });

  test('a missing tenant is refused for entra', () => {
    inputError({ ...entra, 'tenant-id': '' }, 'tenant-id');
  });

  test.each(['contoso', '72f988bf-86f1-41af-91ab', 'contoso.onmicrosoft.com/x', 'a b.com'])(
    'a tenant that is neither a GUID nor a domain (%s) is refused',
    (tenant) => {
      const error = inputError({ ...entra, 'tenant-id': tenant }, 'tenant-id');
      expect(error.message).toContain('expected a GUID or a domain name');
    },
  );

  test.each(['common', 'organizations', 'Consumers'])(
    'the multi-tenant alias %s is refused with its own message',
    (alias) => {
      const error = inputError({ ...entra, 'tenant-id': alias }, 'tenant-id');
      expect(error.message).toContain('multi-tenant alias');
    },
  );

  test('the tenant is not asked for by okta and oidc', () => {
    expect(parse(okta).tenantId).toBeUndefined();
    expect(parse(oidc).tenantId).toBeUndefined();
  });
});

describe('parseSettings: issuer and other service URLs', () => {
  test('okta and oidc require an issuer', () => {
    inputError({ ...okta, issuer: '' }, 'issuer');
    inputError({ ...oidc, issuer: '' }, 'issuer');
  });

  test('the issuer is kept exactly as written, trailing slash or not', () => {
    expect(parse({ ...oidc, issuer: 'https://idp.example.com' }).issuer).toBe(
      'https://idp.example.com',
    );
    expect(parse({ ...oidc, issuer: 'https://idp.example.com/' }).issuer).toBe(
      'https://idp.example.com/',
    );
  });

  test('an http issuer is refused for a host that is not loopback', () => {
    const error = inputError({ ...oidc, issuer: 'http://idp.example.com' }, 'issuer');
    expect(error.message).toContain('https');
  });

  test.each(['http://127.0.0.1:8080', 'http://localhost:3000/oidc', 'http://[::1]:9000'])(
    'an http issuer on the loopback host %s is accepted',
    (issuer) => {
      expect(parse({ ...oidc, issuer }).issuer).toBe(issuer);
    },
  );

  test.each([
    'http://localhost.example.com',
    'http://127.0.0.1.example.com',
    // The system resolver, not node, would decide where *.localhost goes: no exception either.
    'http://idp.localhost:8080',
  ])('a host that only looks like loopback (%s) gets no http exception', (issuer) => {
    inputError({ ...oidc, issuer }, 'issuer');
  });

  test('an issuer that is not a URL is refused', () => {
    inputError({ ...oidc, issuer: 'idp.example.com' }, 'issuer');
  });

  test('an issuer with credentials is refused without echoing them', () => {
    const error = inputError(
      { ...oidc, issuer: 'https://user:hunter22@idp.example.com' },
      'issuer',
    );
    expect(error.message).toContain('credentials');
    expect(error.message).not.toContain('hunter22');
  });

  test.each([
    'https://idp.example.com/?tenant=1',
    'https://idp.example.com/#top',
    'https://idp.example.com/oauth2/default?',
    'https://idp.example.com/oauth2/default#',
  ])('an issuer with a query or fragment (%s) is refused', (issuer) => {
    const error = inputError({ ...oidc, issuer }, 'issuer');
    expect(error.message).toContain(`followed by "${issuer.slice(issuer.search(/[?#]/))}"`);
  });

  test(
    'token-url, authority-host and corgea-url ' + 'follow the same rules under their own names',
    () => {
      inputError({ ...oidc, 'token-url': 'http://idp.example.com/token' }, 'token-url');
      inputError(
        { ...entra, 'authority-host': 'http://login.microsoftonline.us' },
        'authority-host',
      );
      inputError({ ...entra, 'corgea-url': 'https://www.corgea.app/?x=1' }, 'corgea-url');
    },
  );

  test('the authority host of another cloud is taken as given', () => {
    const settings = parse({ ...entra, 'authority-host': 'https://login.microsoftonline.us/' });
    expect(settings.authorityHost.origin).toBe('https://login.microsoftonline.us');
  });
});

describe('parseSettings: scope', () => {
  test('entra takes a {resource}/.default scope as given', () => {
    expect(parse({ ...entra, scope: 'api://corgea/.default' }).scope).toBe('api://corgea/.default');
  });

  test('an entra scope without /.default is refused and the fix names the default form', () => {
    const error = inputError({ ...entra, scope: 'api://corgea/scan' }, 'scope');
    expect(error.message).toContain('"api://corgea/scan"');
    expect(error.fix).toContain(`api://${CLIENT}/.default`);
  });

  test('an entra scope of /.default alone names no resource and is refused', () => {
    inputError({ ...entra, scope: '/.default' }, 'scope');
  });

  test('an entra scope listing two resources is refused', () => {
    inputError({ ...entra, scope: 'api://a/.default api://b/.default' }, 'scope');
  });

  test('okta requires a scope', () => {
    inputError({ ...okta, scope: '' }, 'scope');
  });

  test('oidc takes no scope when none is given, and any scope as given', () => {
    expect(parse(oidc).scope).toBeUndefined();
    expect(parse({ ...oidc, scope: 'read write' }).scope).toBe('read write');
  });
});

describe('parseSettings: resource and client-auth', () => {
  test('a resource indicator must be an absolute URI without fragment', () => {
    expect(parse({ ...oidc, resource: 'api://corgea' }).resource).toBe('api://corgea');
    expect(parse({ ...oidc, resource: 'https://api.example.com' }).resource).toBe(
      'https://api.example.com',
    );
    inputError({ ...oidc, resource: 'corgea' }, 'resource');
    inputError({ ...oidc, resource: 'https://api.example.com/#x' }, 'resource');
  });

  test('client-auth accepts basic and post in any case and nothing else', () => {
    expect(parse({ ...oidc, 'client-auth': 'basic' }).clientAuth).toBe('basic');
    expect(parse({ ...oidc, 'client-auth': 'POST' }).clientAuth).toBe('post');
    const error = inputError({ ...oidc, 'client-auth': 'private_key_jwt' }, 'client-auth');
    expect(error.message).toContain('"private_key_jwt"');
  });
});

describe('parseSettings: export-variable', () => {
  test('empty or blank turns export off', () => {
    expect(parse({ ...entra, 'export-variable': '' }).exportVariable).toBe('');
    expect(parse({ ...entra, 'export-variable': '  ' }).exportVariable).toBe('');
  });

  test('a valid name is taken', () => {
    expect(parse({ ...entra, 'export-variable': 'CORGEA_TOKEN' }).exportVariable).toBe(
      'CORGEA_TOKEN',
    );
    expect(parse({ ...entra, 'export-variable': '_token2' }).exportVariable).toBe('_token2');
  });

  test.each(['1TOKEN', 'MY-TOKEN', 'MY TOKEN', 'TOKEN=x'])(
    'the invalid name %s is refused',
    (name) => {
      const error = inputError({ ...entra, 'export-variable': name }, 'export-variable');
      expect(error.message).toContain('expected an environment variable name');
    },
  );

  test.each(['GITHUB_TOKEN', 'github_path', 'RUNNER_TEMP', 'NODE_OPTIONS', 'node_options'])(
    'the runner-reserved name %s is refused',
    (name) => {
      const error = inputError({ ...entra, 'export-variable': name }, 'export-variable');
      expect(error.message).toContain('reserved');
    },
  );
});

describe('parseSettings: output-token', () => {
  test.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
    ['', true],
  ])('"%s" reads as %s', (value, expected) => {
    expect(parse({ ...entra, 'output-token': value }).outputToken).toBe(expected);
  });

  test.each(['yes', '1', 'tru'])('"%s" is refused', (value) => {
    inputError({ ...entra, 'output-token': value }, 'output-token');
  });
});

describe('parseSettings: attempts and timeout-seconds', () => {
  test('attempts from 1 to 10 are taken', () => {
    expect(parse({ ...entra, attempts: '1' }).attempts).toBe(1);
    expect(parse({ ...entra, attempts: '10' }).attempts).toBe(10);
  });

  test.each(['0', '100', '3x', '-1', '2.5', '1e1'])('attempts of "%s" is refused', (value) => {
    const error = inputError({ ...entra, attempts: value }, 'attempts');
    expect(error.message).toContain(`"${value}"`);
    expect(error.message).toContain('from 1 to 10');
  });

  test('timeout-seconds is read as seconds and kept in milliseconds', () => {
    expect(parse({ ...entra, 'timeout-seconds': '1' }).timeoutMs).toBe(1000);
    expect(parse({ ...entra, 'timeout-seconds': '300' }).timeoutMs).toBe(300_000);
  });

  test.each(['0', '301', 'ten', '5s'])('timeout-seconds of "%s" is refused', (value) => {
    inputError({ ...entra, 'timeout-seconds': value }, 'timeout-seconds');
  });
});

describe('parseSettings: the settings object', () => {
  test('is frozen', () => {
    const settings = parse(entra);
    expect(Object.isFrozen(settings)).toBe(true);
    expect(() => {
      (settings as { clientId: string }).clientId = 'other';
    }).toThrow(TypeError);
  });

  test('JSON.stringify, util.inspect and String never show the client secret', () => {
    const settings = parse({ ...okta, 'export-variable': 'CORGEA_TOKEN' });
    const json = JSON.stringify(settings);
    expect(json).not.toContain(SECRET);
    expect(JSON.parse(json).clientSecret).toBe('***');
    expect(inspect(settings, { depth: 10, showHidden: true })).not.toContain(SECRET);
    expect(`${settings.clientSecret}`).toBe('***');
    expect(inspect({ ...settings })).not.toContain(SECRET);
  });
});
