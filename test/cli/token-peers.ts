/**
 * What the token command talks to in its tests: the Entra stand-in with one tenant and one app,
 * and the Corgea stand-in holding the JWT-auth configuration `ci` that accepts that app's v1
 * tokens (issuer `https://sts.windows.net/{tenant}/`, audience `api://{client-id}`).
 */
import { startCorgeaStandIn, type CorgeaStandIn } from '../stand-ins/corgea.js';
import { entraApp, startEntraStandIn, type EntraStandIn } from '../stand-ins/entra.js';

export interface TokenPeers {
  readonly entra: EntraStandIn;
  readonly corgea: CorgeaStandIn;
  close(): Promise<void>;
}

/** Starts both stand-ins; stops the first again when the second fails to start. */
export async function startTokenPeers(
  tenantId: string,
  clientId: string,
  secret: string,
): Promise<TokenPeers> {
  const entra = await startEntraStandIn({
    tenants: [{ tenantId, domains: [], apps: [entraApp(clientId, secret)] }],
  });
  try {
    const corgea = await startCorgeaStandIn({
      adminToken: 'admin-not-used-here',
      configs: [
        {
          name: 'ci',
          issuer: entra.issuer(tenantId, 1),
          audience: `api://${clientId}`,
          allowed_application_ids: [clientId],
        },
      ],
    });
    return {
      entra,
      corgea,
      close: async () => {
        await Promise.all([entra.close(), corgea.close()]);
      },
    };
  } catch (error) {
    await entra.close();
    throw error;
  }
}
