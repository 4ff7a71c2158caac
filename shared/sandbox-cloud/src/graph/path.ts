// Parses a Microsoft Graph v1.0 path. Entity sets and actions are case-insensitive, objects are addressed
// by id (`/applications/{id}`) or alternate key (`/applications(appId='{appId}')`), and actions may be
// written bare or namespace-qualified (`addPassword`, `microsoft.graph.addPassword`). Segments are
// decoded once; object ids are GUIDs, and anything else is refused as Graph refuses it.
import { isGuid } from "../arm/naming.ts";
import { decodePathSegments } from "../uri-path.ts";

/** `uniqueName` addresses applications only (the alternate key of Graph's application upsert). */
export type ObjectKey = { id: string } | { appId: string } | { uniqueName: string };

export type GraphTarget =
  | { kind: "applications" }
  | { kind: "application"; key: ObjectKey; action?: "addPassword" | "removePassword" }
  | { kind: "servicePrincipals" }
  | { kind: "servicePrincipal"; key: ObjectKey }
  | { kind: "directoryAudits" }
  /** `/directory/deletedItems/microsoft.graph.application` (or `.servicePrincipal`). */
  | { kind: "deletedItems"; type: "application" | "servicePrincipal" }
  /** `/directory/deletedItems/{id}`. */
  | { kind: "deletedItem"; id: string }
  | { kind: "unknown"; segment: string }
  /** A path Graph refuses with 400 before looking anything up. */
  | { kind: "invalid"; message: string };

export function parseGraphPath(pathname: string): GraphTarget {
  const decoded = decodePathSegments(pathname);
  if ("malformed" in decoded) {
    return {
      kind: "invalid",
      message: `The request URI is not valid: the segment '${decoded.malformed}' is not correctly percent-encoded.`,
    };
  }
  const [version, first, second, third, ...extra] = decoded.segments;
  const unknown = (segment: string | undefined): GraphTarget => ({ kind: "unknown", segment: segment ?? "" });
  if (version !== "v1.0" || first === undefined) return unknown(first);
  if (first.toLowerCase() === "auditlogs") {
    return second?.toLowerCase() === "directoryaudits" && third === undefined
      ? { kind: "directoryAudits" }
      : unknown(second);
  }

  if (first.toLowerCase() === "directory") return deletedItemsPath(second, third, extra);

  const keyed = /^(applications|servicePrincipals)\((appId|uniqueName)='([^']*)'\)$/i.exec(first);
  const set = (keyed?.[1] ?? first).toLowerCase();
  if (set !== "applications" && set !== "serviceprincipals") return unknown(first);
  let key: ObjectKey | undefined;
  let rest = [second, third, ...extra].filter((s): s is string => s !== undefined);
  if (keyed?.[3] !== undefined) {
    const byUniqueName = keyed[2]?.toLowerCase() === "uniquename";
    if (byUniqueName && set !== "applications") return unknown(first);
    key = byUniqueName ? { uniqueName: keyed[3] } : { appId: keyed[3] };
  } else if (rest[0] !== undefined) {
    if (!isGuid(rest[0])) return { kind: "invalid", message: `Invalid object identifier '${rest[0]}'.` };
    key = { id: rest[0] };
    rest = rest.slice(1);
  }
  if (set === "serviceprincipals") {
    if (key === undefined) return { kind: "servicePrincipals" };
    return rest.length === 0 ? { kind: "servicePrincipal", key } : unknown(rest[0]);
  }
  if (key === undefined) return { kind: "applications" };
  if (rest.length === 0) return { kind: "application", key };
  const action = rest.length === 1 ? rest[0]?.replace(/^microsoft\.graph\./i, "").toLowerCase() : undefined;
  if (action === "addpassword") return { kind: "application", key, action: "addPassword" };
  if (action === "removepassword") return { kind: "application", key, action: "removePassword" };
  return unknown(rest[0]);
}

/** `/directory/deletedItems/{id}` or `/directory/deletedItems/microsoft.graph.{type}`. */
function deletedItemsPath(
  second: string | undefined,
  third: string | undefined,
  extra: string[],
): GraphTarget {
  if (second?.toLowerCase() !== "deleteditems") return { kind: "unknown", segment: second ?? "" };
  if (third === undefined || extra.length > 0)
    return { kind: "unknown", segment: extra[0] ?? "deletedItems" };
  const cast = /^microsoft\.graph\.(application|serviceprincipal)$/i.exec(third)?.[1]?.toLowerCase();
  if (cast === "application") return { kind: "deletedItems", type: "application" };
  if (cast === "serviceprincipal") return { kind: "deletedItems", type: "servicePrincipal" };
  if (!isGuid(third)) return { kind: "invalid", message: `Invalid object identifier '${third}'.` };
  return { kind: "deletedItem", id: third };
}

export function describeKey(key: ObjectKey): string {
  if ("id" in key) return key.id;
  return "appId" in key ? `appId='${key.appId}'` : `uniqueName='${key.uniqueName}'`;
}
