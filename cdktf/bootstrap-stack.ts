/**
 * The example bootstrap stack: per environment, its own Entra machine identity and its own Corgea
 * JWT-auth configuration, in the tenant of whoever runs Terraform.
 */
import { AzureadProvider } from '@cdktf/provider-azuread/lib/provider/index.js';
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';

import { CorgeaJwtAuthConfig } from './corgea-jwt-auth-config.js';
import { EntraMachineIdentity } from './entra-machine-identity.js';

export const ENVIRONMENTS = ['staging', 'production'] as const;

export interface CorgeaBootstrapStackProps {
  /** Default staging and production. */
  readonly environments?: readonly string[];
  /** Default https://www.corgea.app. */
  readonly corgeaUrl?: string;
  /**
   * Object IDs that own every app registration; default the deploying principal. List the
   * scheduled workflow's service principal here when someone else runs the first deploy.
   */
  readonly owners?: readonly string[];
}

/** One identity and one Corgea configuration per environment; they share nothing. */
export class CorgeaBootstrapStack extends TerraformStack {
  readonly identities: readonly EntraMachineIdentity[];

  constructor(scope: Construct, id: string, props: CorgeaBootstrapStackProps = {}) {
    super(scope, id);
    new AzureadProvider(this, 'azuread');

    this.identities = (props.environments ?? ENVIRONMENTS).map((environment) => {
      const identity = new EntraMachineIdentity(this, environment, {
        displayName: `corgea-scans-${environment}`,
        ...(props.owners === undefined ? {} : { owners: props.owners }),
      });
      new CorgeaJwtAuthConfig(this, `${environment}-corgea`, {
        name: `github-${environment}`,
        issuer: identity.corgea.issuer,
        audience: identity.corgea.audience,
        allowedApplicationIds: identity.corgea.allowedApplicationIds,
        ...(props.corgeaUrl === undefined ? {} : { corgeaUrl: props.corgeaUrl }),
      });
      return identity;
    });
  }
}
