// Azure's documented behaviours that HayMaker's correctness depends on, reproduced by the sandbox cloud,
// each switchable on its own. Off by default (NO_REALISM), so a unit test sees an immediate, consistent
// cloud unless it asks for Azure's ways; `HAYMAKER_PROFILE=azure make run` and the end-to-end suite in that
// profile turn all of them on (AZURE_REALISM). The README's "Realism" section cites the source of each.

export interface Realism {
  /**
   * ARM's Resources - List and Resource Groups - List, filtered by tag, answer without each item's tags
   * ("When you filter by a tag name and value, the tags for each resource are not returned").
   */
  tagFilteredListsOmitTags: boolean;
  /**
   * Milliseconds before a new application, service principal (a user-assigned identity's too), client
   * secret or role assignment is seen everywhere: sign-in fails (AADSTS700016 / AADSTS7000215), ARM and
   * Key Vault answer 403 and a role assignment PrincipalNotFound, $filter queries miss it, until it has
   * passed. Key Vault secrets themselves are readable as soon as they are set. 0: at once.
   */
  replicationDelayMs: number;
  /**
   * Deleted applications and service principals wait in /directory/deletedItems and count toward their
   * creator's quota of directory objects (Directory_QuotaExceeded when full) until hard-deleted.
   * undefined: deletes are final and nothing is counted.
   */
  directoryObjectQuota: number | undefined;
  /** Key Vault keeps a deleted secret (recoverable, name taken: 409 ObjectIsDeletedButRecoverable) until purged. */
  keyVaultSoftDelete: boolean;
  /**
   * Milliseconds a Key Vault secret delete or purge takes to finish after its answer (with soft delete):
   * while a delete finishes, the secret is in neither the live nor the deleted secrets (Get Deleted Secret
   * answers 404) and a set, purge or recover answers 409 ObjectIsBeingDeleted; while a purge finishes, Get
   * Deleted Secret already answers 404 but a set of the name answers 409 ObjectIsBeingDeleted. 0: at once.
   */
  keyVaultOperationDelayMs: number;
  /** Milliseconds before an operation shows in the Activity Log (Azure: 3 to 20 minutes). 0: at once. */
  activityLogDelayMs: number;
  /**
   * ARM throttles each caller: beyond `requests` reads, or `requests` writes, in `windowMs` it answers 429
   * with Retry-After (seconds). Graph and Key Vault's data plane are not throttled. undefined: never.
   */
  throttling: { requests: number; windowMs: number } | undefined;
}

/** An immediate, consistent cloud: what unit tests get unless they ask otherwise. */
export const NO_REALISM: Realism = {
  tagFilteredListsOmitTags: false,
  replicationDelayMs: 0,
  directoryObjectQuota: undefined,
  keyVaultSoftDelete: false,
  keyVaultOperationDelayMs: 0,
  activityLogDelayMs: 0,
  throttling: undefined,
};

/**
 * Every behaviour on, with delays scaled down from Azure's minutes to seconds so an end-to-end run still
 * finishes in a test's time; the shape of each behaviour is Azure's, only its length is shorter.
 */
export const AZURE_REALISM: Realism = {
  tagFilteredListsOmitTags: true,
  replicationDelayMs: 2_000,
  directoryObjectQuota: 250,
  keyVaultSoftDelete: true,
  keyVaultOperationDelayMs: 1_000,
  activityLogDelayMs: 3_000,
  throttling: { requests: 300, windowMs: 10_000 },
};

/** NO_REALISM with the given behaviours changed, checked: a nonsense setting is refused, not ignored. */
export function realismWith(changes: Partial<Realism> = {}): Realism {
  const realism = { ...NO_REALISM, ...changes };
  const problems: string[] = [];
  if (!(realism.replicationDelayMs >= 0)) problems.push("replicationDelayMs must be 0 or more");
  if (!(realism.activityLogDelayMs >= 0)) problems.push("activityLogDelayMs must be 0 or more");
  if (!(realism.keyVaultOperationDelayMs >= 0)) problems.push("keyVaultOperationDelayMs must be 0 or more");
  const quota = realism.directoryObjectQuota;
  if (quota !== undefined && !(Number.isInteger(quota) && quota > 0)) {
    problems.push("directoryObjectQuota must be a whole number above 0, or undefined");
  }
  const throttling = realism.throttling;
  if (throttling !== undefined && !(throttling.requests > 0 && throttling.windowMs > 0)) {
    problems.push("throttling needs requests and windowMs above 0, or undefined");
  }
  if (problems.length > 0) throw new Error(`sandbox realism: ${problems.join("; ")}`);
  return realism;
}
