// Deleting what an agent holds besides its resources: its identity (and any made again under its name) and
// its secret. Shared by the cleanup of one agent (cleanup.required) and an operator's (cleanup.requested).
import { type CloudControl, CloudControlError } from "@haymaker/cloud-control";
import type { Identity } from "@haymaker/contracts";
import { type SecretStore, StoreInputError } from "@haymaker/stores";
import { type RetryPolicy, withRetries } from "./retry.ts";
import { shortReason } from "./short-reason.ts";

export type IdentityCloud = Pick<CloudControl, "findIdentity" | "deleteIdentity">;

/** haymaker-<runId>-<agentId>: the display name provision gives an agent's identity (and its group). */
export function agentResourceName(runId: string, agentId: string): string {
  return `haymaker-${runId}-${agentId}`;
}

/**
 * Deletes the identity and any other of its name; undefined once none is left, else why not: a final
 * refusal (403: HayMaker may not delete it) is an answer. A transient failure that outlasts the retries
 * throws, for the caller to retry or report.
 */
export async function identityDeletion(
  cloud: IdentityCloud,
  identity: Identity,
  retry: RetryPolicy,
): Promise<string | undefined> {
  try {
    await withRetries(() => cloud.deleteIdentity(identity), retry);
    // An identity made again under the same name (provision retried after a crash) is the agent's too.
    const again = await withRetries(() => cloud.findIdentity(identity.displayName), retry);
    if (again !== undefined) await withRetries(() => cloud.deleteIdentity(again), retry);
    return undefined;
  } catch (error) {
    if (!(error instanceof CloudControlError) || error.retryable) throw error;
    return error.status === 404 ? undefined : shortReason(error);
  }
}

/** A reference this store cannot hold: an answer no retry changes. */
const UNKNOWN_SECRET_REF = "the secret store does not hold references of this kind";

/**
 * Deletes the secret; undefined once it is gone (already gone counts), else why not. Other failures throw,
 * for the caller to retry or report.
 */
export async function secretDeletion(
  secrets: Pick<SecretStore, "delete">,
  secretRef: string,
): Promise<string | undefined> {
  try {
    await secrets.delete(secretRef);
    return undefined;
  } catch (error) {
    if (error instanceof StoreInputError) return UNKNOWN_SECRET_REF;
    throw error;
  }
}
