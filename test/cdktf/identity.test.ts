import { execFileSync } from 'node:child_process';

import { Testing, TerraformStack } from 'cdktf';

import { CorgeaBootstrapStack } from '../../cdktf/bootstrap-stack.js';
import { CorgeaJwtAuthConfig, shellQuote } from '../../cdktf/corgea-jwt-auth-config.js';
import {
  EntraMachineIdentity,
  type EntraMachineIdentityProps,
} from '../../cdktf/entra-machine-identity.js';
import { InputError } from '../../src/errors.js';

type Json = Record<string, any>;

/** The synthesized JSON of a stack holding one identity called `ci`. */
function synthIdentity(props: Partial<EntraMachineIdentityProps> = {}): Json {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new EntraMachineIdentity(stack, 'ci', { displayName: 'corgea-ci', ...props });
  return JSON.parse(Testing.synth(stack)) as Json;
}

function only(resources: Json | undefined, type: string): Json {
  const found = Object.values(resources?.[type] ?? {});
  expect(found).toHaveLength(1);
  return found[0] as Json;
}

/** The names of the identity's two locals: today's day count, then the generation. */
function localsOf(json: Json): [string, string] {
  const names = Object.keys(json['locals'] as Json);
  const today = names.find((name) => name.includes('today'));
  const generation = names.find((name) => name.includes('generation'));
  expect(names).toHaveLength(2);
  return [today!, generation!];
}

function address(resources: Json, type: string): string {
  const names = Object.keys(resources[type] ?? {});
  expect(names).toHaveLength(1);
  return `${type}.${names[0]}`;
}

describe('EntraMachineIdentity', () => {
  const json = synthIdentity();
  const resources = json['resource'] as Json;
  const app = address(resources, 'azuread_application');
  const deployer = `data.${address(json['data'] as Json, 'azuread_client_config')}`;

  test(
    'the application asks for v1 tokens, ' + 'single tenant, owned by the deploying principal',
    () => {
      const application = only(resources, 'azuread_application');
      expect(application['api']).toEqual({ requested_access_token_version: 1 });
      expect(application['sign_in_audience']).toBe('AzureADMyOrg');
      expect(application['owners']).toEqual([`\${${deployer}.object_id}`]);
      // The first deployer stays owner: a later deployer must not swap the owners to itself.
      expect(application['lifecycle']).toEqual({ ignore_changes: ['identifier_uris', 'owners'] });
    },
  );

  test('the Application ID URI is built from client_id, never from id', () => {
    const uri = only(resources, 'azuread_application_identifier_uri');
    expect(uri['identifier_uri']).toBe(`api://\${${app}.client_id}`);
    expect(uri['identifier_uri']).not.toContain('.id}');
    expect(uri['application_id']).toBe(`\${${app}.id}`);
  });

  test('a service principal exists for the application', () => {
    expect(only(resources, 'azuread_service_principal')['client_id']).toBe(`\${${app}.client_id}`);
  });

  test('two password slots rotate on the generation, created before the old one goes', () => {
    const slots = Object.values(resources['azuread_application_password'] as Json) as Json[];
    expect(slots).toHaveLength(2);
    const [today, generation] = localsOf(json);
    expect(json['locals'][today]).toContain('formatdate("YYYY", plantimestamp())');
    expect(json['locals'][generation]).toBe(`\${floor(local.${today} / 30)}`);
    for (const slot of slots) {
      expect(slot['application_id']).toBe(`\${${app}.id}`);
      expect(slot['lifecycle']).toEqual({
        create_before_destroy: true,
        ignore_changes: ['end_date'],
      });
      expect(slot['rotate_when_changed']['generation']).toMatch(
        new RegExp(`^\\$\\{tostring\\(.*local\\.${generation}.*\\)\\}$`),
      );
      expect(slot['end_date_relative']).toBeUndefined();
    }
    // What these expressions evaluate to is checked with Terraform in expressions.test.ts.
  });

  test('end_date is the next rotation plus the overlap (30 + 7 days by default)', () => {
    const [slot] = Object.values(resources['azuread_application_password'] as Json) as Json[];
    const [today] = localsOf(json);
    expect(slot!['end_date']).toMatch(
      /^\$\{timeadd\("1970-01-01T00:00:00Z", format\("%dh", \(max\(/,
    );
    expect(slot!['end_date']).toContain(' + 1) * 30) + 7)');
    expect(slot!['end_date']).toContain(`(local.${today} + 1)) * 24)`);
  });

  test('rotationDays and overlapDays reach the generation and the end date', () => {
    const custom = synthIdentity({ rotationDays: 14, overlapDays: 3 });
    const [today, generation] = localsOf(custom);
    expect(custom['locals'][generation]).toBe(`\${floor(local.${today} / 14)}`);
    const [slot] = Object.values(custom['resource']['azuread_application_password']) as Json[];
    expect(slot!['end_date']).toContain(' + 1) * 14) + 3)');
  });

  test('v1 outputs: issuer on sts.windows.net with a trailing slash, audience the URI', () => {
    const outputs = json['output'] as Json;
    const uri = `\${${address(resources, 'azuread_application_identifier_uri')}.identifier_uri}`;
    expect(outputs['ci-corgea-issuer'].value).toBe(
      `https://sts.windows.net/\${${deployer}.tenant_id}/`,
    );
    expect(outputs['ci-corgea-audience'].value).toBe(uri);
    expect(outputs['ci-corgea-allowed-application-ids'].value).toBe(
      `\${join("\\n", [${app}.client_id])}`,
    );
    expect(outputs['ci-tenant-id'].value).toBe(`\${${deployer}.tenant_id}`);
    expect(outputs['ci-client-id'].value).toBe(`\${${app}.client_id}`);
    expect(outputs['ci-application-id-uri'].value).toBe(uri);
    expect(outputs['ci-scope'].value).toBe(`${uri}/.default`);
    expect(outputs['ci-token-url'].value).toBe(
      `https://login.microsoftonline.com/\${${deployer}.tenant_id}/oauth2/v2.0/token`,
    );
  });

  test(
    'v2 outputs: issuer on login.microsoftonline.com ending in /v2.0, ' + 'audience the client ID',
    () => {
      const v2 = synthIdentity({ tokenVersion: 2 });
      const v2Resources = v2['resource'] as Json;
      const v2App = address(v2Resources, 'azuread_application');
      const v2Deployer = `data.${address(v2['data'] as Json, 'azuread_client_config')}`;
      expect(only(v2Resources, 'azuread_application')['api']).toEqual({
        requested_access_token_version: 2,
      });
      expect(v2['output']['ci-corgea-issuer'].value).toBe(
        `https://login.microsoftonline.com/\${${v2Deployer}.tenant_id}/v2.0`,
      );
      expect(v2['output']['ci-corgea-audience'].value).toBe(`\${${v2App}.client_id}`);
    },
  );

  test('the secret output is sensitive; the others are not', () => {
    const outputs = json['output'] as Json;
    expect(outputs['ci-client-secret'].sensitive).toBe(true);
    expect(outputs['ci-client-secret'].value).toMatch(/azuread_application_password\.\S+\.value/);
    expect(outputs['ci-client-secret-key-id'].value).not.toMatch(/\.value\b/);
    const exposed = Object.entries(outputs).filter(([, output]) => output.sensitive !== true);
    for (const [, output] of exposed) expect(output.value).not.toMatch(/password\.\S+\.value/);
  });

  test('given owners, URI and sign-in audience replace the defaults', () => {
    const custom = synthIdentity({
      owners: ['00000000-0000-0000-0000-0000000000aa'],
      applicationIdUri: 'api://corgea-ci.example.com',
      signInAudience: 'AzureADMultipleOrgs',
    });
    const application = only(custom['resource'], 'azuread_application');
    expect(application['owners']).toEqual(['00000000-0000-0000-0000-0000000000aa']);
    expect(application['sign_in_audience']).toBe('AzureADMultipleOrgs');
    expect(only(custom['resource'], 'azuread_application_identifier_uri')['identifier_uri']).toBe(
      'api://corgea-ci.example.com',
    );
  });
});

describe('props that are refused', () => {
  const refused: Array<[string, Partial<EntraMachineIdentityProps>, string, RegExp]> = [
    [
      'an overlap as long as the rotation',
      { rotationDays: 7, overlapDays: 7 },
      'overlapDays',
      /fewer days than rotationDays \(7\), found 7/,
    ],
    [
      'an overlap longer than the rotation',
      { rotationDays: 7, overlapDays: 10 },
      'overlapDays',
      /found 10/,
    ],
    [
      'a fractional rotation',
      { rotationDays: 2.5 },
      'rotationDays',
      /whole number of days, at least 1, found 2\.5/,
    ],
    ['a rotation of zero days', { rotationDays: 0 }, 'rotationDays', /found 0/],
    ['a negative overlap', { overlapDays: -1 }, 'overlapDays', /found -1/],
    ['a token version 3', { tokenVersion: 3 as 1 }, 'tokenVersion', /expected 1 or 2 .*found 3/],
  ];
  test.each(refused)('%s', (_, props, input, message) => {
    let thrown: unknown;
    try {
      synthIdentity(props);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).input).toBe(input);
    expect((thrown as InputError).message).toMatch(message);
    expect((thrown as InputError).fix).toBeTruthy();
  });

  test('a Corgea URL over plain http to a remote host', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    expect(
      () =>
        new CorgeaJwtAuthConfig(stack, 'corgea', {
          name: 'github-ci',
          issuer: 'https://sts.windows.net/t/',
          audience: 'api://x',
          allowedApplicationIds: ['x'],
          corgeaUrl: 'http://corgea.example.com',
        }),
    ).toThrow(expect.objectContaining({ input: 'corgeaUrl' }));
  });
});

describe('the example stack', () => {
  const app = Testing.app();
  const stack = new CorgeaBootstrapStack(app, 'bootstrap');
  const json = JSON.parse(Testing.synth(stack)) as Json;
  const resources = json['resource'] as Json;

  test('staging and production share no resource, data source, local or output', () => {
    for (const [type, byName] of Object.entries(resources)) {
      const names = Object.keys(byName as Json);
      const staging = names.filter((name) => name.startsWith('staging'));
      const production = names.filter((name) => name.startsWith('production'));
      expect(staging.length + production.length).toBe(names.length);
      expect(staging.length).toBe(production.length);
      expect(staging.length).toBeGreaterThan(0);
      // No staging resource refers to a production one, and the other way round.
      for (const name of staging) expect(JSON.stringify(byName[name])).not.toMatch(/production/);
      for (const name of production) expect(JSON.stringify(byName[name])).not.toMatch(/staging/);
      void type;
    }
    const dataSources = Object.keys(json['data']['azuread_client_config'] as Json);
    expect(dataSources.sort()).toEqual([
      expect.stringMatching(/^production_/),
      expect.stringMatching(/^staging_/),
    ]);
    expect(Object.keys(json['locals'] as Json)).toHaveLength(4);
    const outputs = Object.keys(json['output'] as Json);
    expect(outputs.filter((name) => name.startsWith('staging-'))).toHaveLength(outputs.length / 2);
    expect(outputs).toContain('production-client-secret');
  });

  test('each environment registers its own Corgea configuration name', () => {
    const registrations = Object.entries(resources['terraform_data'] as Json)
      .filter(([name]) => name.includes('registration') && !name.includes('deregistration'))
      .map(([, resource]) => (resource as Json)['input']['name']);
    expect(registrations.sort()).toEqual(['github-production', 'github-staging']);
  });
});

describe('token version 2', () => {
  test('warns at synth that the calling app is in azp, not the appid Corgea documents', () => {
    const stack = new TerraformStack(Testing.app(), 'v2-warning');
    const identity = new EntraMachineIdentity(stack, 'ci', { displayName: 'ci', tokenVersion: 2 });
    const warnings = identity.node.metadata.filter((entry) => entry.type === '@cdktf/warn');
    expect(warnings.map((entry) => String(entry.data))).toEqual([expect.stringContaining('azp')]);
  });

  test('version 1 synthesizes without a warning', () => {
    const stack = new TerraformStack(Testing.app(), 'v1-no-warning');
    const identity = new EntraMachineIdentity(stack, 'ci', { displayName: 'ci' });
    expect(identity.node.metadata.filter((entry) => entry.type === '@cdktf/warn')).toEqual([]);
  });
});

describe(
  'the provisioner command for a checkout ' + 'path with shell and Terraform syntax in it',
  () => {
    test('is one literal word for sh: $(…), backticks, quotes and spaces do nothing', () => {
      const path = "/tmp/a b/$(touch pwned)/`id`/it's/x.cjs";
      const printed = execFileSync('sh', ['-c', `printf %s ${shellQuote(path)}`], {
        encoding: 'utf8',
      });
      expect(printed).toBe(path);
    });

    test('escapes Terraform interpolation, which Terraform undoes before the shell sees it', () => {
      expect(shellQuote('/tmp/${var.x}/%{if}/x.cjs')).toBe("'/tmp/$${var.x}/%%{if}/x.cjs'");
    });
  },
);

describe('the example stack with owners given', () => {
  test('makes them the owners of every app registration, instead of the deployer', () => {
    const stack = new CorgeaBootstrapStack(Testing.app(), 'owners', {
      owners: ['00000000-0000-0000-0000-0000000000aa'],
    });
    const json = JSON.parse(Testing.synth(stack)) as {
      resource: { azuread_application: Record<string, { owners: string[] }> };
    };
    const apps = Object.values(json.resource.azuread_application);
    expect(apps).toHaveLength(2);
    for (const app of apps) expect(app.owners).toEqual(['00000000-0000-0000-0000-0000000000aa']);
  });
});

describe('owners of the service principal', () => {
  test("are the app's: the deployer by default, left alone on later deploys", () => {
    const stack = new CorgeaBootstrapStack(Testing.app(), 'sp-owners-default');
    const json = JSON.parse(Testing.synth(stack)) as {
      resource: { azuread_service_principal: Record<string, Record<string, unknown>> };
    };
    for (const sp of Object.values(json.resource.azuread_service_principal)) {
      expect(sp['owners']).toEqual([
        expect.stringMatching(/data\.azuread_client_config\..*\.object_id/),
      ]);
      expect(sp['lifecycle']).toEqual({ ignore_changes: ['owners'] });
    }
  });

  test("are managed, like the app's, when owners are given", () => {
    const stack = new CorgeaBootstrapStack(Testing.app(), 'sp-owners-given', {
      owners: ['00000000-0000-0000-0000-0000000000aa'],
    });
    const json = JSON.parse(Testing.synth(stack)) as {
      resource: {
        azuread_service_principal: Record<string, Record<string, unknown>>;
        azuread_application: Record<string, Record<string, unknown>>;
      };
    };
    for (const sp of Object.values(json.resource.azuread_service_principal)) {
      expect(sp['owners']).toEqual(['00000000-0000-0000-0000-0000000000aa']);
      expect(sp['lifecycle']).toBeUndefined();
    }
    for (const app of Object.values(json.resource.azuread_application)) {
      expect(app['lifecycle']).toEqual({ ignore_changes: ['identifier_uris'] });
    }
  });
});

describe('CorgeaJwtAuthConfig with values known at synth', () => {
  const base = {
    name: 'github-x',
    issuer: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
    audience: 'api://x',
    allowedApplicationIds: ['x'],
  };

  test('refuses at synth an issuer that register would refuse at deploy', () => {
    const stack = new TerraformStack(Testing.app(), 'bad-issuer');
    expect(
      () => new CorgeaJwtAuthConfig(stack, 'c', { ...base, issuer: 'http://idp.example.com/' }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INPUT', input: 'issuer' }));
  });

  test('refuses at synth an empty audience', () => {
    const stack = new TerraformStack(Testing.app(), 'bad-audience');
    expect(() => new CorgeaJwtAuthConfig(stack, 'c', { ...base, audience: '  ' })).toThrow(
      expect.objectContaining({ code: 'ERR_INPUT', input: 'audience' }),
    );
  });

  test('takes good literal values', () => {
    const stack = new TerraformStack(Testing.app(), 'good-literal');
    expect(() => new CorgeaJwtAuthConfig(stack, 'c', base)).not.toThrow();
  });
});

describe('EntraMachineIdentity authorityHost', () => {
  test('refuses a value that is not an https URL, naming the prop', () => {
    const stack = new TerraformStack(Testing.app(), 'bad-authority');
    expect(
      () =>
        new EntraMachineIdentity(stack, 'ci', {
          displayName: 'ci',
          authorityHost: 'login.microsoftonline.us',
        }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INPUT', input: 'authorityHost' }));
  });
});
