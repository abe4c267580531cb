/**
 * The machine identity a CI pipeline uses to obtain Entra ID access tokens for Corgea: an app
 * registration with an explicit access-token version, its Application ID URI, a service principal
 * (without one Entra issues no token for the app), and a rotating client secret. Its outputs are
 * everything the pipelines and Corgea need, derived here, never typed by hand.
 */
import { Application } from '@cdktf/provider-azuread/lib/application/index.js';
import { ApplicationIdentifierUri } from '@cdktf/provider-azuread/lib/application-identifier-uri/index.js';
import { DataAzureadClientConfig } from '@cdktf/provider-azuread/lib/data-azuread-client-config/index.js';
import { ServicePrincipal } from '@cdktf/provider-azuread/lib/service-principal/index.js';
import { Annotations, Fn, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import {
  ENTRA_PUBLIC_AUTHORITY,
  entraCorgeaValues,
  entraTokenUrl,
  type CorgeaJwtValues,
  type EntraTokenVersion,
} from '../src/entra.js';
import { InputError } from '../src/errors.js';
import { parseServiceUrl } from '../src/urls.js';
import { RotatingClientSecret } from './rotating-client-secret.js';

export interface EntraMachineIdentityProps {
  /** The app registration's display name, e.g. `corgea-scans-production`. */
  readonly displayName: string;
  /**
   * The access-token version the app accepts (`api.requested_access_token_version`). 1, the
   * default, is what Corgea's guide describes: issuer `https://sts.windows.net/{tenant}/`,
   * audience the Application ID URI. 2: issuer `…/{tenant}/v2.0`, audience the client ID.
   */
  readonly tokenVersion?: EntraTokenVersion;
  /** Default `AzureADMyOrg`: only this tenant's principals can sign in. */
  readonly signInAudience?: string;
  /** Object IDs of the owners. Default: the principal running Terraform. */
  readonly owners?: readonly string[];
  /** Default `api://{client-id}`. */
  readonly applicationIdUri?: string;
  /** The Entra authority host; another cloud's, e.g. `https://login.microsoftonline.us`. */
  readonly authorityHost?: string;
  /** How often a new client secret is issued, in whole days. Default 30. */
  readonly rotationDays?: number;
  /**
   * How long the previous secret keeps working after its successor. Default 7, below rotationDays.
   */
  readonly overlapDays?: number;
}

/** One environment's Entra identity for calling Corgea, with its Terraform outputs. */
export class EntraMachineIdentity extends Construct {
  readonly application: Application;
  readonly identifierUri: ApplicationIdentifierUri;
  readonly servicePrincipal: ServicePrincipal;
  readonly secret: RotatingClientSecret;
  readonly tenantId: string;
  readonly clientId: string;
  readonly applicationIdUri: string;
  /** The client-credentials token endpoint for this tenant. */
  readonly tokenUrl: string;
  /** The scope a pipeline asks for: `{application-id-uri}/.default`. */
  readonly scope: string;
  /** Issuer, audience and allowed application IDs of a Corgea JWT-auth configuration. */
  readonly corgea: CorgeaJwtValues;

  constructor(scope: Construct, id: string, props: EntraMachineIdentityProps) {
    super(scope, id);
    const tokenVersion = checkTokenVersion(props.tokenVersion ?? 1);
    if (tokenVersion === 2) {
      // Corgea documents `appid` (v1) as the calling-app claim; v2 tokens carry it in `azp`.
      Annotations.of(this).addWarning(
        'tokenVersion 2: the calling app travels in azp, while Corgea documents appid (v1 ' +
          'tokens). Check that your Corgea deployment accepts azp before switching, or keep 1.',
      );
    }
    const authorityHost = props.authorityHost ?? ENTRA_PUBLIC_AUTHORITY;
    // The issuer and token URL are derived from it as text, so it must be a plain URL here.
    parseServiceUrl('authorityHost', authorityHost);
    const deployer = new DataAzureadClientConfig(this, 'deployer');

    // Owners given are managed. Without them the first deployer owns the app and its service
    // principal, and later deploys by someone else leave that alone: the provider would otherwise
    // swap the owners to whoever runs Terraform, locking the other deployer out.
    const owners = props.owners ? [...props.owners] : [deployer.objectId];
    const ownersManaged = props.owners !== undefined;

    this.application = new Application(this, 'application', {
      displayName: props.displayName,
      signInAudience: props.signInAudience ?? 'AzureADMyOrg',
      owners,
      api: { requestedAccessTokenVersion: tokenVersion },
      // The URI holds the app's own client ID, so it is set by the resource below; declaring it
      // here as well would be a cycle, and managing it here would remove it on every apply.
      lifecycle: {
        ignoreChanges: ownersManaged ? ['identifier_uris'] : ['identifier_uris', 'owners'],
      },
    });

    this.clientId = this.application.clientId;
    this.identifierUri = new ApplicationIdentifierUri(this, 'identifier-uri', {
      applicationId: this.application.id,
      // From client_id: `id` is `/applications/{object-id}`, which is not a URI Entra accepts.
      identifierUri: props.applicationIdUri ?? `api://${this.clientId}`,
    });
    this.applicationIdUri = this.identifierUri.identifierUri;

    // Owned like the app: with Application.ReadWrite.OwnedBy, a deployer may only change what it
    // owns, and the provider removes the creator from the owners unless it is listed.
    this.servicePrincipal = new ServicePrincipal(this, 'service-principal', {
      clientId: this.clientId,
      owners,
      ...(ownersManaged ? {} : { lifecycle: { ignoreChanges: ['owners'] } }),
    });

    this.secret = new RotatingClientSecret(this, 'client-secret', {
      applicationId: this.application.id,
      displayName: `${props.displayName} pipelines`,
      ...(props.rotationDays === undefined ? {} : { rotationDays: props.rotationDays }),
      ...(props.overlapDays === undefined ? {} : { overlapDays: props.overlapDays }),
    });

    this.tenantId = deployer.tenantId;
    this.tokenUrl = tokenUrlFor(authorityHost, this.tenantId);
    this.scope = `${this.applicationIdUri}/.default`;
    this.corgea = entraCorgeaValues({
      tenantId: this.tenantId,
      clientId: this.clientId,
      applicationIdUri: this.applicationIdUri,
      version: tokenVersion,
      authorityHost,
    });
    this.addOutputs(id);
  }

  private addOutputs(id: string): void {
    // The construct's id is in each name, so that two environments in one stack do not collide.
    const output = (name: string, value: string, description: string, sensitive = false) =>
      new TerraformOutput(this, `output-${name}`, {
        value,
        description,
        sensitive,
      }).overrideLogicalId(`${id}-${name}`);
    output('tenant-id', this.tenantId, 'Entra tenant ID (tenant-id input of the action).');
    output('client-id', this.clientId, 'Client ID of the app registration (client-id input).');
    output('application-id-uri', this.applicationIdUri, 'Application ID URI of the app.');
    output('token-url', this.tokenUrl, 'Client-credentials token endpoint.');
    output('scope', this.scope, 'The scope to ask for (scope input).');
    output('corgea-issuer', this.corgea.issuer, 'Issuer for the Corgea JWT-auth configuration.');
    output('corgea-audience', this.corgea.audience, 'Audience for the Corgea configuration.');
    output(
      'corgea-allowed-application-ids',
      Fn.join('\n', [...this.corgea.allowedApplicationIds]),
      'Allowed application IDs for the Corgea configuration, one per line.',
    );
    output('client-secret-key-id', this.secret.keyId, 'Key ID of the secret to publish.');
    output('client-secret-end-date', this.secret.endDate, 'When the published secret expires.');
    output(
      'client-secret',
      this.secret.value,
      "The client secret to store as the pipelines' repository secret after each deploy.",
      true,
    );
  }
}

function checkTokenVersion(version: number): EntraTokenVersion {
  if (version === 1 || version === 2) return version;
  throw new InputError(
    'tokenVersion',
    `expected 1 or 2 (Entra's requested_access_token_version), found ${String(version)}.`,
    'use 1, the version Corgea documents, unless your Corgea configuration expects v2 tokens.',
  );
}

/**
 * The token URL with a Terraform reference as tenant. `entraTokenUrl` URL-encodes the tenant,
 * which would mangle the reference, so a placeholder of URL-safe characters stands in for it.
 */
function tokenUrlFor(authorityHost: string, tenantId: string): string {
  const placeholder = 'tenant-id-placeholder';
  return entraTokenUrl(authorityHost, placeholder).href.replace(placeholder, tenantId);
}
