/**
 * The synthesis benchmark's baseline: the example app's resources declared directly with the
 * provider classes, flat in the stack, with no project construct and no project rule in between.
 * It writes the values and expressions that CorgeaBootstrapStack derives (default props: token
 * version 1, rotation every 30 days with 7 days of overlap, Corgea at www.corgea.app) as plain
 * text, as someone without the constructs would, so that the two stacks synthesize the same
 * Terraform; the benchmark checks that before it times anything.
 */
import { fileURLToPath } from 'node:url';

import { Application } from '@cdktf/provider-azuread/lib/application/index.js';
import { ApplicationIdentifierUri } from '@cdktf/provider-azuread/lib/application-identifier-uri/index.js';
import { ApplicationPasswordA } from '@cdktf/provider-azuread/lib/application-password/index.js';
import { DataAzureadClientConfig } from '@cdktf/provider-azuread/lib/data-azuread-client-config/index.js';
import { AzureadProvider } from '@cdktf/provider-azuread/lib/provider/index.js';
import { ServicePrincipal } from '@cdktf/provider-azuread/lib/service-principal/index.js';
import { DataResource, Fn, TerraformLocal, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';

// Single-quoted for sh, as the construct writes it (this checkout's path has no quote or `${`).
const COMMAND = `node '${fileURLToPath(
  new URL('../../bin/corgea-idp-auth.cjs', import.meta.url),
)}'`;
const CORGEA_URL = 'https://www.corgea.app';
const EPOCH = '1970-01-01T00:00:00Z';

/** Days since 1970-01-01 of the plan's UTC date, from its formatdate parts (civil-to-days). */
const TODAY = (() => {
  const part = (format: string) => `tonumber(formatdate("${format}", plantimestamp()))`;
  const [y, m, d] = [part('YYYY'), part('M'), part('D')];
  const early = `floor((14 - ${m}) / 12)`;
  const year = `(${y} - ${early})`;
  const era = `floor(${year} / 400)`;
  const yearOfEra = `(${year} - (${era} * 400))`;
  const marchMonth = `((${m} + (${early} * 12)) - 3)`;
  const dayOfYear = `(floor(((${marchMonth} * 153) + 2) / 5) + (${d} - 1))`;
  const dayOfEra =
    `((((${yearOfEra} * 365) + floor(${yearOfEra} / 4)) ` +
    `- floor(${yearOfEra} / 100)) + ${dayOfYear})`;
  return `\${(((${era} * 146097) + ${dayOfEra}) - 719468)}`;
})();

/** The example app's stack without the constructs: per environment the same resources. */
export class DirectBootstrapStack extends TerraformStack {
  constructor(scope: Construct, id: string, environments: readonly string[]) {
    super(scope, id);
    new AzureadProvider(this, 'azuread');
    for (const environment of environments) this.declare(environment);
  }

  private declare(env: string): void {
    const displayName = `corgea-scans-${env}`;
    const deployer = new DataAzureadClientConfig(this, `${env}_deployer`);
    const application = new Application(this, `${env}_application`, {
      displayName,
      signInAudience: 'AzureADMyOrg',
      owners: [deployer.objectId],
      api: { requestedAccessTokenVersion: 1 },
      lifecycle: { ignoreChanges: ['identifier_uris'] },
    });
    const uri = new ApplicationIdentifierUri(this, `${env}_identifier-uri`, {
      applicationId: application.id,
      identifierUri: `api://${application.clientId}`,
    });
    new ServicePrincipal(this, `${env}_service-principal`, { clientId: application.clientId });

    const today = `local.${env}_client-secret_today`;
    const generation = `local.${env}_client-secret_generation`;
    new TerraformLocal(this, `${env}_client-secret_today`, TODAY);
    new TerraformLocal(this, `${env}_client-secret_generation`, `\${floor(${today} / 30)}`);
    const held = [`(floor(${generation} / 2) * 2)`, `((floor((${generation} - 1) / 2) * 2) + 1)`];
    const slots = held.map(
      (slotGeneration, slot) =>
        new ApplicationPasswordA(this, `${env}_client-secret_slot-${slot}`, {
          applicationId: application.id,
          displayName: `${displayName} pipelines (slot ${slot})`,
          rotateWhenChanged: { generation: `\${tostring(${slotGeneration})}` },
          endDate:
            `\${timeadd("${EPOCH}", format("%dh", ` +
            `(max((((${slotGeneration} + 1) * 30) + 7), (${today} + 1)) * 24)))}`,
          lifecycle: { ignoreChanges: ['end_date'], createBeforeDestroy: true },
        }),
    );
    const [slot0, slot1] = slots.map((s) => `azuread_application_password.${s.friendlyUniqueId}`);
    const pick = (attribute: string) =>
      `\${(${generation} - (floor(${generation} / 2) * 2)) == 0 ` +
      `? ${slot0}.${attribute} : ${slot1}.${attribute}}`;

    const issuer = `https://sts.windows.net/${deployer.tenantId}/`;
    const outputs: [string, string, string, boolean?][] = [
      ['tenant-id', deployer.tenantId, 'Entra tenant ID (tenant-id input of the action).'],
      ['client-id', application.clientId, 'Client ID of the app registration (client-id input).'],
      ['application-id-uri', uri.identifierUri, 'Application ID URI of the app.'],
      [
        'token-url',
        `https://login.microsoftonline.com/${deployer.tenantId}/oauth2/v2.0/token`,
        'Client-credentials token endpoint.',
      ],
      ['scope', `${uri.identifierUri}/.default`, 'The scope to ask for (scope input).'],
      ['corgea-issuer', issuer, 'Issuer for the Corgea JWT-auth configuration.'],
      ['corgea-audience', uri.identifierUri, 'Audience for the Corgea configuration.'],
      [
        'corgea-allowed-application-ids',
        Fn.join('\n', [application.clientId]),
        'Allowed application IDs for the Corgea configuration, one per line.',
      ],
      ['client-secret-key-id', pick('key_id'), 'Key ID of the secret to publish.'],
      ['client-secret-end-date', pick('end_date'), 'When the published secret expires.'],
      [
        'client-secret',
        pick('value'),
        "The client secret to store as the pipelines' repository secret after each deploy.",
        true,
      ],
    ];
    for (const [name, value, description, sensitive = false] of outputs)
      new TerraformOutput(this, `${env}-${name}`, { value, description, sensitive });

    const claim = { name: `github-${env}`, corgea_url: CORGEA_URL };
    const deregistration = new DataResource(this, `${env}-corgea_deregistration`, {
      input: claim,
      triggersReplace: claim,
      provisioners: [
        {
          type: 'local-exec',
          when: 'destroy',
          command: `${COMMAND} deregister`,
          environment: {
            CORGEA_URL: '${self.input.corgea_url}',
            CORGEA_CONFIG_NAME: '${self.input.name}',
          },
        },
      ],
    });
    const values = {
      ...claim,
      issuer,
      audience: uri.identifierUri,
      allowed_application_ids: [application.clientId],
    };
    new DataResource(this, `${env}-corgea_registration`, {
      input: values,
      triggersReplace: values,
      provisioners: [
        {
          type: 'local-exec',
          when: 'create',
          command: `${COMMAND} register`,
          environment: {
            CORGEA_URL: '${self.input.corgea_url}',
            CORGEA_CONFIG_NAME: '${self.input.name}',
            CORGEA_CONFIG_ISSUER: '${self.input.issuer}',
            CORGEA_CONFIG_AUDIENCE: '${self.input.audience}',
            CORGEA_CONFIG_ALLOWED_APPLICATION_IDS:
              '${join("\\n", self.input.allowed_application_ids)}',
          },
        },
      ],
      dependsOn: [deregistration],
    });
  }
}
