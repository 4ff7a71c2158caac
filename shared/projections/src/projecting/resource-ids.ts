import { createHash } from "node:crypto";

// ARM ids are case-insensitive, and the agent, verify-cleanup and force-cleanup may each spell one
// differently, so a resource is keyed by its lowercased id. The key is hashed because ARM ids contain "/",
// which Cosmos DB does not allow in a document id and a URL path does not carry well.

/** The id of the resource record for an ARM resource id: "res-" and 32 hex digits. */
export function resourceRecordId(resourceId: string): string {
  return `res-${createHash("sha256").update(resourceId.toLowerCase()).digest("hex").slice(0, 32)}`;
}

/**
 * The resource type an ARM id names: "Microsoft.Storage/storageAccounts" for a storage account,
 * "Microsoft.Sql/servers/databases" for a nested resource, "Microsoft.Resources/resourceGroups" for a group.
 * Used when an event names a resource without its type (agent.cleaned lists bare ids).
 */
export function resourceTypeOf(resourceId: string): string {
  const providers = /\/providers\/([^/]+)\/(.+)$/i.exec(resourceId);
  if (!providers) return "Microsoft.Resources/resourceGroups";
  const [, namespace = "", rest = ""] = providers;
  const segments = rest.split("/");
  const types = segments.filter((_, index) => index % 2 === 0);
  return [namespace, ...types].join("/");
}
