// /v1.0/servicePrincipals: create for an application (one per appId), list with $filter, get by id or
// appId, delete. Deleting a service principal revokes its application's tokens. As for applications, a
// collection query does not see a service principal younger than the replication delay; keyed reads do.
import type { ServicePrincipal, ServicePrincipalStore } from "../store/service-principal-store.ts";
import { collection, entity } from "./collection.ts";
import type { DirectoryDeps, GraphRequest } from "./directory-deps.ts";
import { noteCreated, noteDeleted, quotaRefusal } from "./directory-objects.ts";
import { parseGraphFilter, stringMatches } from "./filter.ts";
import { describeKey, type GraphTarget, type ObjectKey } from "./path.ts";
import { type GraphResult, graphError, methodNotAllowed, notFound } from "./result.ts";

export function servicePrincipalsCollection(deps: DirectoryDeps, req: GraphRequest): GraphResult {
  if (req.method === "POST") return createServicePrincipal(deps, req.body);
  if (req.method !== "GET") return methodNotAllowed(req.method);
  const clauses = parseGraphFilter(req.url.searchParams.get("$filter"));
  if (typeof clauses === "string") return graphError(400, "BadRequest", clauses);
  const fields: Record<string, (sp: ServicePrincipal) => string> = {
    id: (sp) => sp.id,
    appid: (sp) => sp.appId,
    displayname: (sp) => sp.displayName,
    serviceprincipaltype: (sp) => sp.servicePrincipalType,
  };
  for (const clause of clauses) {
    if (fields[clause.path] === undefined || (clause.op !== "eq" && clause.op !== "startswith")) {
      return graphError(
        400,
        "Request_UnsupportedQuery",
        `Unsupported or invalid query filter clause specified for property '${clause.path}' of resource 'ServicePrincipal'.`,
      );
    }
  }
  const items = deps.servicePrincipals
    .list()
    .filter((sp) => !deps.replication.pending("servicePrincipal", sp.id))
    .filter((sp) => clauses.every((c) => stringMatches(c, fields[c.path]?.(sp))));
  return collection(items, req.url, deps.baseUrl, "servicePrincipals");
}

export function servicePrincipal(
  deps: DirectoryDeps,
  target: Extract<GraphTarget, { kind: "servicePrincipal" }>,
  req: GraphRequest,
): GraphResult {
  const sp = find(deps.servicePrincipals, target.key);
  if (sp === undefined) return notFound(describeKey(target.key));
  if (req.method === "GET") return entity(sp, req.url, deps.baseUrl, "servicePrincipals");
  if (req.method !== "DELETE") return methodNotAllowed(req.method);
  deps.servicePrincipals.delete(sp.id);
  noteDeleted(deps, "servicePrincipal", sp.id, { ...sp });
  deps.principals.revokeTokens(sp.appId);
  return { status: 204, target: { id: sp.id, displayName: sp.displayName, type: "ServicePrincipal" } };
}

function createServicePrincipal(deps: DirectoryDeps, body: Record<string, unknown> | undefined): GraphResult {
  const appId = body?.appId;
  if (typeof appId !== "string" || appId === "") {
    return graphError(400, "Request_BadRequest", "Property 'appId' is required.");
  }
  // A retry of a create that went through must read as "already made", also when the creator is now at
  // its quota: the duplicate is found before the quota is counted.
  const app = deps.applications.getByAppId(appId);
  if (app !== undefined && deps.servicePrincipals.getByAppId(appId) !== undefined) return nameInUse(app);
  const refused = quotaRefusal(deps);
  if (refused !== undefined) return refused;
  if (app === undefined) {
    return graphError(
      400,
      "Request_BadRequest",
      `The appId '${appId}' of the service principal does not reference a valid application object.`,
    );
  }
  const sp = deps.servicePrincipals.create(app);
  if (sp === undefined) return nameInUse(app);
  noteCreated(deps, "servicePrincipal", sp.id);
  const result = entity(sp, new URL(deps.baseUrl), deps.baseUrl, "servicePrincipals");
  return {
    ...result,
    status: 201,
    headers: { location: `${deps.baseUrl}/v1.0/servicePrincipals/${sp.id}` },
    target: { id: sp.id, displayName: sp.displayName, type: "ServicePrincipal" },
  };
}

function nameInUse(app: { id: string; appId: string; displayName: string }): GraphResult {
  return graphError(
    409,
    "Request_MultipleObjectsWithSameKeyValue",
    `The service principal cannot be created, updated, or restored because the service principal name ${app.appId} is already in use.`,
    { id: app.id, displayName: app.displayName, type: "Application" },
  );
}

function find(store: ServicePrincipalStore, key: ObjectKey): ServicePrincipal | undefined {
  if ("id" in key) return store.get(key.id);
  return "appId" in key ? store.getByAppId(key.appId) : undefined;
}
