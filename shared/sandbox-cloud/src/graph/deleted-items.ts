// /v1.0/directory/deletedItems: the applications and service principals deleted but still counted toward
// their creator's quota (realism.directoryObjectQuota). GET one by id, list one type
// (`/directory/deletedItems/microsoft.graph.application`), DELETE one to delete it permanently. Without a
// quota nothing is ever soft-deleted, so every id answers 404. Restore is not served.
import { collection, entity } from "./collection.ts";
import type { DirectoryDeps, GraphRequest } from "./directory-deps.ts";
import type { GraphTarget } from "./path.ts";
import { type AuditTarget, type GraphResult, methodNotAllowed, notFound } from "./result.ts";

export function deletedItems(
  deps: DirectoryDeps,
  target: Extract<GraphTarget, { kind: "deletedItems" }>,
  req: GraphRequest,
): GraphResult {
  if (req.method !== "GET") return methodNotAllowed(req.method);
  const items = deps.recycleBin.list(target.type).map((item) => item.body);
  return collection(items, req.url, deps.baseUrl, `directory/deletedItems/microsoft.graph.${target.type}`);
}

export function deletedItem(
  deps: DirectoryDeps,
  target: Extract<GraphTarget, { kind: "deletedItem" }>,
  req: GraphRequest,
): GraphResult {
  const item = deps.recycleBin.get(target.id);
  if (item === undefined) return notFound(target.id);
  if (req.method === "GET") return entity(item.body, req.url, deps.baseUrl, "directory/deletedItems");
  if (req.method !== "DELETE") return methodNotAllowed(req.method);
  deps.recycleBin.purge(item.id);
  const audit: AuditTarget = {
    id: item.id,
    displayName: String(item.body.displayName ?? ""),
    type: item.kind === "application" ? "Application" : "ServicePrincipal",
  };
  const activityDisplayName =
    item.kind === "application" ? "Hard Delete application" : "Hard delete service principal";
  return { status: 204, target: audit, activityDisplayName };
}
