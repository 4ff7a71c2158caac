// Parses a Microsoft Graph v1.0 path. Entity sets and actions are case-insensitive, objects are addressed
// by id (`/applications/{id}`) or alternate key (`/applications(appId='{appId}')`), and actions may be
// written bare or namespace-qualified (`addPassword`, `microsoft.graph.addPassword`). Segments are
// decoded once; object ids are GUIDs, and anything else is refused as Graph refuses it.
import { isGuid } from "../arm/naming.ts";
import { decodePathSegments } from "../uri-path.ts";

export type ObjectKey = { id: string } | { appId: string };

export type GraphTarget =
  | { kind: "applications" }
  | { kind: "application"; key: ObjectKey; action?: "addPassword" | "removePassword" }
  | { kind: "servicePrincipals" }
  | { kind: "servicePrincipal"; key: ObjectKey }
  | { kind: "directoryAudits" }
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

  const keyed = /^(applications|servicePrincipals)\(appId='([^']*)'\)$/i.exec(first);
  const set = (keyed?.[1] ?? first).toLowerCase();
  if (set !== "applications" && set !== "serviceprincipals") return unknown(first);
  let key: ObjectKey | undefined;
  let rest = [second, third, ...extra].filter((s): s is string => s !== undefined);
  if (keyed?.[2] !== undefined) key = { appId: keyed[2] };
  else if (rest[0] !== undefined) {
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

export function describeKey(key: ObjectKey): string {
  return "id" in key ? key.id : `appId='${key.appId}'`;
}
