/**
 * Why a claim differs from the configuration, and what to change, for the mismatches that have a
 * known cause. Each function returns one cause and one fix, both plain sentences naming values
 * (claim values are identifiers, never credentials).
 */
import { entraIssuerShape } from '../entra.js';
import { isGuid } from '../settings.js';

export interface Cause {
  readonly cause: string;
  readonly fix: string;
}

const VERSION_SETTING =
  "the resource app's requested access token version (requestedAccessTokenVersion in the API " +
  'settings, accessTokenAcceptedVersion in the manifest)';

/** Why `iss` differs: the token version, the tenant, a trailing slash, or another issuer. */
export function issuerCause(found: string, expected: string): Cause {
  const token = entraIssuerShape(found);
  const config = entraIssuerShape(expected);
  if (token?.version === 1 && config?.version === 2) {
    return {
      cause:
        'This is an Entra v1 token (issuer on sts.windows.net, with a trailing slash) and the ' +
        `configuration holds a v2 issuer. The version is decided only by ${VERSION_SETTING}, ` +
        'which is 1 or unset; which token endpoint was called does not matter.',
      fix:
        `enter "${found}" as the issuer in Corgea (and in expected-issuer), or set the version ` +
        'to 2; v2 tokens then also carry the client ID as aud and the calling app in azp.',
    };
  }
  if (token?.version === 2 && config?.version === 1) {
    return {
      cause:
        'This is an Entra v2 token (issuer ending in /v2.0) and the configuration holds a v1 ' +
        `issuer (sts.windows.net). The version is decided only by ${VERSION_SETTING}, which is 2.`,
      fix:
        `enter "${found}" as the issuer in Corgea (and in expected-issuer), or set the version ` +
        "to 1 (or null), as Corgea's own guide assumes; v1 tokens carry appid and the " +
        'Application ID URI as aud.',
    };
  }
  if (token && config && token.tenantId.toLowerCase() !== config.tenantId.toLowerCase()) {
    return {
      cause:
        `The token comes from tenant ${token.tenantId}, ` +
        `the configuration names tenant ${config.tenantId}.`,
      fix:
        'check tenant-id and the issuer in Corgea: ' +
        'both must name the tenant of the app registration.',
    };
  }
  if (found.replace(/\/+$/, '') === expected.replace(/\/+$/, '')) {
    return {
      cause: 'The two differ only in the trailing slash, and Corgea compares iss exactly.',
      fix:
        `enter "${found}" as the issuer, exactly, ` +
        `trailing slash ${found.endsWith('/') ? 'included' : 'omitted'}.`,
    };
  }
  return {
    cause: 'The token was issued by another issuer than the configuration names.',
    fix:
      `enter "${found}" as the issuer in Corgea if that is your identity provider; otherwise ` +
      'check issuer, tenant-id and token-url, which decide where the token comes from.',
  };
}

const GRAPH_AUDIENCES = ['00000003-0000-0000-c000-000000000000', 'https://graph.microsoft.com'];

/** Why `aud` differs: `api://{id}` against the bare client ID or the reverse, Graph, or scope. */
export function audienceCause(found: readonly string[], expected: string): Cause {
  const bare = expected.replace(/^api:\/\//, '');
  if (isGuid(bare) && expected === bare && found.includes(`api://${bare}`)) {
    return {
      cause:
        'The token carries the Application ID URI as aud, which is what a v1 token requested ' +
        `with scope api://${bare}/.default carries; the configuration holds the bare client ID, ` +
        'which only v2 tokens carry.',
      fix:
        `enter "api://${bare}" as the audience in Corgea, or set ${VERSION_SETTING} to 2 so that ` +
        'aud becomes the client ID (the issuer changes to the v2 one too).',
    };
  }
  if (isGuid(bare) && expected !== bare && found.includes(bare)) {
    return {
      cause:
        'The token carries the bare client ID as aud, as every v2 token does (and a v1 token ' +
        `requested with scope ${bare}/.default); the configuration holds the Application ID URI.`,
      fix:
        `enter "${bare}" as the audience in Corgea, or set ${VERSION_SETTING} to 1 and ask for ` +
        `scope api://${bare}/.default.`,
    };
  }
  if (found.some((aud) => GRAPH_AUDIENCES.includes(aud))) {
    return {
      cause: 'The token is for Microsoft Graph: the scope asked for Graph, not for your API.',
      fix: 'set scope to your own app, e.g. api://{client-id}/.default.',
    };
  }
  return {
    cause:
      'The token was issued for another audience than the configuration names; ' +
      'the scope (or resource) decides it.',
    fix:
      'ask for the audience the configuration holds (scope for Entra, resource or the ' +
      "authorization server's audience for Okta and OIDC), " +
      "or enter the token's audience in Corgea.",
  };
}

const APPLICATION_ID_CLAIMS = ['appid', 'azp', 'cid', 'client_id'];

/** Why the calling-app claim is missing: the token names the app in another claim, or nowhere. */
export function missingApplicationIdCause(
  payload: Readonly<Record<string, unknown>>,
  claim: string,
): Cause {
  const other = APPLICATION_ID_CLAIMS.find(
    (name) => name !== claim && typeof payload[name] === 'string',
  );
  if (claim === 'appid' && other === 'azp') {
    return {
      cause:
        'The token names the calling app in azp, as Entra v2 tokens do, while the configuration ' +
        'expects appid semantics (v1 tokens), the claim Corgea compares with the allowed ' +
        'application IDs.',
      fix:
        `set ${VERSION_SETTING} to 1 (or null) so that tokens carry appid, ` +
        'or configure Corgea for v2 tokens (issuer ending in /v2.0, audience the client ID).',
    };
  }
  if (claim === 'azp' && other === 'appid') {
    return {
      cause:
        'The token names the calling app in appid, as Entra v1 tokens do, ' +
        'while the configuration expects azp (v2 tokens).',
      fix:
        `set ${VERSION_SETTING} to 2, ` +
        'or configure Corgea for v1 tokens (issuer on sts.windows.net).',
    };
  }
  if (other) {
    return {
      cause: `The token names the calling app in ${other}, not in ${claim}.`,
      fix: `configure the authorization server to put the client ID into ${claim}.`,
    };
  }
  return {
    cause: 'The token names no calling app at all.',
    fix: `configure the authorization server to put the client ID into ${claim}.`,
  };
}
