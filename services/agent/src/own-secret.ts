// An agent in Azure is given a pointer to its secret, never the secret (an execution's environment is
// readable by anyone who may read the job): it reads it from Key Vault here, signed in as the agent job's
// managed identity, before it signs in as itself. In Container Apps (and the sandbox cloud's stand-in) the
// identity's token comes from the endpoint named by IDENTITY_ENDPOINT, which ManagedIdentityCredential uses.
import type { TokenCredential } from "@azure/core-auth";
import { sleep } from "./clock.ts";
import type { OwnSecretPointer } from "./config.ts";

/**
 * The secret could not be read: `accessDenied` when Key Vault refused the identity (401/403) past the
 * propagation window; `stopped` when a stop request came while a refusal was being waited out (nothing was
 * touched yet, so the agent exits as stopped, not as denied).
 */
export class OwnSecretError extends Error {
  override readonly name = "OwnSecretError";
  readonly accessDenied: boolean;
  readonly stopped: boolean;

  constructor(message: string, reason: { accessDenied: boolean; stopped?: boolean }) {
    super(message);
    this.accessDenied = reason.accessDenied;
    this.stopped = reason.stopped ?? false;
  }
}

export interface OwnSecretOptions {
  /** Until when a refusal may still be a new role assignment propagating (epoch ms); 0: no waiting. */
  propagationEndsAt: number;
  /** The managed identity's credential; ManagedIdentityCredential({ clientId }) by default. */
  credential?: TokenCredential;
  stop?: AbortSignal;
}

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 15_000;

export async function readOwnSecret(pointer: OwnSecretPointer, options: OwnSecretOptions): Promise<string> {
  // Loaded only by an agent in Azure: a local agent never needs Key Vault or MSAL.
  const [{ keyVaultSecretStore, KeyVaultSecretError }, credential] = await Promise.all([
    import("@haymaker/stores"),
    options.credential ??
      import("@azure/identity").then(
        ({ ManagedIdentityCredential }) =>
          new ManagedIdentityCredential({ clientId: pointer.managedIdentityClientId }),
      ),
  ]);
  const store = keyVaultSecretStore(new URL(pointer.secretId).origin, credential);
  let wait = FIRST_RETRY_MS;
  for (;;) {
    try {
      return await store.get(pointer.secretId);
    } catch (error) {
      const status = error instanceof KeyVaultSecretError ? error.statusCode : undefined;
      const refused = status === 401 || status === 403;
      // A role granted moments before the agent started may not be in effect yet (Azure RBAC: minutes).
      const reason = `the agent's secret could not be read from Key Vault as managed identity ${pointer.managedIdentityClientId}: ${(error as Error).message}`;
      if (refused && Date.now() + wait < options.propagationEndsAt) {
        if (await sleep(wait, options.stop)) {
          wait = Math.min(wait * 2, MAX_RETRY_MS);
          continue;
        }
        throw new OwnSecretError(`stopped while waiting for Key Vault to allow it: ${reason}`, {
          accessDenied: false,
          stopped: true,
        });
      }
      throw new OwnSecretError(reason, { accessDenied: refused });
    }
  }
}
