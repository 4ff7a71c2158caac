// What creating and deleting an application or service principal does beyond its own store, with realism:
// the creator's quota is checked and counted (directoryObjectQuota), the new object starts replicating
// (replicationDelayMs), and a deleted one waits in deletedItems instead of vanishing.
import type { DirectoryObjectKind } from "../store/recycle-bin-store.ts";
import type { DirectoryDeps } from "./directory-deps.ts";
import { type GraphResult, graphError } from "./result.ts";

/** Graph's answer to a create over the creator's quota, or undefined when there is room (or no quota). */
export function quotaRefusal(deps: DirectoryDeps): GraphResult | undefined {
  if (deps.quota === undefined || deps.recycleBin.usedBy(deps.creator) < deps.quota) return undefined;
  return graphError(
    400,
    "Directory_QuotaExceeded",
    "The directory object quota limit for the Principal has been exceeded. Please ask your administrator to increase the quota limit or delete objects to reduce the used quota.",
  );
}

export function noteCreated(deps: DirectoryDeps, kind: DirectoryObjectKind, id: string): void {
  deps.recycleBin.created(kind, id, deps.creator);
  deps.replication.written(kind, id);
}

/** After the object left its store: soft-deleted when there is a recycle bin, else gone for good. */
export function noteDeleted(
  deps: DirectoryDeps,
  kind: DirectoryObjectKind,
  id: string,
  lastState: Record<string, unknown>,
): void {
  if (deps.quota === undefined) deps.recycleBin.forget(id);
  else deps.recycleBin.recycle(kind, id, { "@odata.type": `#microsoft.graph.${kind}`, ...lastState });
}
