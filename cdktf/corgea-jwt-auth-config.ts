/**
 * Registers a JWT-auth configuration in Corgea from values Terraform derived, by running this
 * project's command line from `local-exec` provisioners: `register` when the values are new or
 * changed, `deregister` when the configuration goes away. The Corgea admin credential
 * (`CORGEA_ADMIN_TOKEN`) is read by the command from the environment of the process running
 * Terraform; it is never a prop, never in the synthesized JSON, never in state.
 */
import { fileURLToPath } from 'node:url';

import { DataResource, TerraformOutput, Token, type LocalExecProvisioner } from 'cdktf';
import { Construct } from 'constructs';

import { parseAudience, parseIssuer, parseName } from '../src/corgea/jwt-auth-config.js';
import { InputError } from '../src/errors.js';
import { DEFAULT_CORGEA_URL } from '../src/settings.js';
import { parseServiceUrl } from '../src/urls.js';

/** The command line bundle, next to this folder; `npm run build` writes it. */
const BUNDLE = fileURLToPath(new URL('../bin/corgea-idp-auth.cjs', import.meta.url));

export interface CorgeaJwtAuthConfigProps {
  /** The configuration's name in Corgea, unique per environment, e.g. `github-production`. */
  readonly name: string;
  /** `iss` exactly as the tokens carry it. */
  readonly issuer: string;
  /** `aud` of the tokens. */
  readonly audience: string;
  /** Client IDs whose tokens Corgea accepts (`appid` / `cid`). */
  readonly allowedApplicationIds: readonly string[];
  /** Default https://www.corgea.app; a single-tenant deployment uses its own host. */
  readonly corgeaUrl?: string;
  /**
   * false: register nothing; the values become outputs to enter in Corgea's settings page.
   * Default true.
   */
  readonly register?: boolean;
  /**
   * The command that runs this project's command line, to which ` register` or ` deregister` is
   * appended. Default: `node "<this checkout>/bin/corgea-idp-auth.cjs"`.
   */
  readonly command?: string;
}

/** Which environment variable carries which `input` field to the command line. */
const NAME_ENVIRONMENT: Readonly<Record<string, string>> = {
  CORGEA_URL: '${self.input.corgea_url}',
  CORGEA_CONFIG_NAME: '${self.input.name}',
};
const VALUES_ENVIRONMENT: Readonly<Record<string, string>> = {
  ...NAME_ENVIRONMENT,
  CORGEA_CONFIG_ISSUER: '${self.input.issuer}',
  CORGEA_CONFIG_AUDIENCE: '${self.input.audience}',
  CORGEA_CONFIG_ALLOWED_APPLICATION_IDS: '${join("\\n", self.input.allowed_application_ids)}',
};

/** One Corgea JWT-auth configuration, kept equal to its props by `cdktf deploy`. */
export class CorgeaJwtAuthConfig extends Construct {
  /**
   * Runs `register` whenever any value changes (replacing it is what re-runs a provisioner);
   * undefined when registration is off.
   */
  readonly registration: DataResource | undefined;
  /**
   * Runs `deregister` when the configuration's name or Corgea URL changes or the stack is
   * destroyed. Kept apart from `registration` so that a changed audience updates the
   * configuration in place instead of deleting it and creating it again, which would leave the
   * pipelines without one for a moment, or for good if the second step failed.
   */
  readonly deregistration: DataResource | undefined;

  constructor(scope: Construct, id: string, props: CorgeaJwtAuthConfigProps) {
    super(scope, id);
    const corgeaUrl = checkCorgeaUrl(props.corgeaUrl ?? DEFAULT_CORGEA_URL);
    if (!Token.isUnresolved(props.name) && !props.name.trim()) {
      throw new InputError(
        'name',
        'expected the configuration name, found an empty string.',
        'give each environment its own name, e.g. github-production.',
      );
    }
    // Values known at synth are held to register's rules now, not in a provisioner at deploy;
    // Terraform references (the usual case) are checked by register itself.
    if (!Token.isUnresolved(props.name)) parseName(props.name, 'name');
    if (!Token.isUnresolved(props.issuer)) parseIssuer(props.issuer, 'issuer');
    if (!Token.isUnresolved(props.audience)) parseAudience(props.audience, 'audience');

    if (props.register === false) {
      this.registration = undefined;
      this.deregistration = undefined;
      this.addManualOutputs(id, props);
      return;
    }

    const command = props.command ?? `node ${shellQuote(BUNDLE)}`;
    const claim = { name: props.name, corgea_url: corgeaUrl };
    this.deregistration = new DataResource(this, 'deregistration', {
      input: claim,
      triggersReplace: claim,
      provisioners: [provisioner(`${command} deregister`, 'destroy', NAME_ENVIRONMENT)],
    });

    const values = {
      ...claim,
      issuer: props.issuer,
      audience: props.audience,
      allowed_application_ids: [...props.allowedApplicationIds],
    };
    this.registration = new DataResource(this, 'registration', {
      input: values,
      triggersReplace: values,
      provisioners: [provisioner(`${command} register`, 'create', VALUES_ENVIRONMENT)],
      // Destroyed before `deregistration`, which then deletes the configuration last.
      dependsOn: [this.deregistration],
    });
  }

  private addManualOutputs(id: string, props: CorgeaJwtAuthConfigProps): void {
    const output = (name: string, value: string, description: string) =>
      new TerraformOutput(this, `output-${name}`, { value, description }).overrideLogicalId(
        `${id}-${name}`,
      );
    const where = 'to enter in Corgea under Settings, JWT authentication';
    output('name', props.name, `Configuration name ${where}.`);
    output('issuer', props.issuer, `Issuer ${where}.`);
    output('audience', props.audience, `Audience ${where}.`);
    output(
      'allowed-application-ids',
      props.allowedApplicationIds.join('\n'),
      `Allowed application IDs, one per line, ${where}.`,
    );
  }
}

/**
 * A provisioner reading only `self`, as Terraform requires of destroy-time ones. The values
 * travel in the environment, not on the command line, where other processes could read them.
 */
function provisioner(
  command: string,
  when: 'create' | 'destroy',
  environment: Readonly<Record<string, string>>,
): LocalExecProvisioner {
  return { type: 'local-exec', when, command, environment: { ...environment } };
}

function checkCorgeaUrl(value: string): string {
  if (Token.isUnresolved(value)) return value;
  return parseServiceUrl('corgeaUrl', value).href.replace(/\/+$/, '');
}

/**
 * `path` as one word for the `sh -c` that local-exec runs, and as literal text for Terraform:
 * single quotes stop the shell's `$`, backticks and spaces; `$${` and `%%{` stop Terraform's
 * own interpolation of a checkout path that happens to contain `${` or `%{`.
 */
export function shellQuote(path: string): string {
  const quoted = `'${path.replace(/'/g, `'\\''`)}'`;
  return quoted.replace(/\$\{/g, '$$${').replace(/%\{/g, '%%{');
}
