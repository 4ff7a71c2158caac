// /v1.0/applications: create, list with $filter, get by id, appId or uniqueName, update, upsert
// (`PATCH /applications(uniqueName='…')` with `Prefer: create-if-missing`), delete (taking the service
// principal with it, as in a home tenant). Password actions live in application-passwords.ts.
// A collection query does not see an application younger than the replication delay: queries are served
// by replicas that may not have it yet. Reads and writes addressed by a key (id, appId, uniqueName) see it
// at once, since that is how a client goes on with what it just created (see the README's Realism).
import type { Application, ApplicationStore } from "../store/application-store.ts";
import { addPassword, removePassword } from "./application-passwords.ts";
import { collection, entity } from "./collection.ts";
import { type DirectoryDeps, type GraphRequest, stringArray } from "./directory-deps.ts";
import { noteCreated, noteDeleted, quotaRefusal } from "./directory-objects.ts";
import { parseGraphFilter, stringMatches } from "./filter.ts";
import { describeKey, type GraphTarget, type ObjectKey } from "./path.ts";
import { type AuditTarget, type GraphResult, graphError, methodNotAllowed, notFound } from "./result.ts";

export function applicationsCollection(deps: DirectoryDeps, req: GraphRequest): GraphResult {
  if (req.method === "POST") return createApplication(deps, req.body);
  if (req.method !== "GET") return methodNotAllowed(req.method);
  const clauses = parseGraphFilter(req.url.searchParams.get("$filter"));
  if (typeof clauses === "string") return graphError(400, "BadRequest", clauses);
  const fields: Record<string, (app: Application) => string> = {
    id: (a) => a.id,
    appid: (a) => a.appId,
    displayname: (a) => a.displayName,
    uniquename: (a) => a.uniqueName ?? "",
  };
  for (const clause of clauses) {
    if (fields[clause.path] === undefined || (clause.op !== "eq" && clause.op !== "startswith")) {
      return unsupported(clause.path);
    }
  }
  const apps = deps.applications
    .list()
    .filter((app) => !deps.replication.pending("application", app.id))
    .filter((app) => clauses.every((c) => stringMatches(c, fields[c.path]?.(app))))
    .map((app) => applicationBody(deps.applications, app));
  return collection(apps, req.url, deps.baseUrl, "applications");
}

export function application(
  deps: DirectoryDeps,
  target: Extract<GraphTarget, { kind: "application" }>,
  req: GraphRequest,
): GraphResult {
  const app = find(deps.applications, target.key);
  if (app === undefined && "uniqueName" in target.key && req.method === "PATCH" && !target.action) {
    return upsertCreate(deps, target.key.uniqueName, req);
  }
  if (app === undefined) return notFound(describeKey(target.key));
  const audit: AuditTarget = { id: app.id, displayName: app.displayName, type: "Application" };
  if (target.action === "addPassword") return addPassword(deps, app, req, audit);
  if (target.action === "removePassword") return removePassword(deps, app, req, audit);
  switch (req.method) {
    case "GET":
      return entity(applicationBody(deps.applications, app), req.url, deps.baseUrl, "applications");
    case "PATCH":
      return updateApplication(deps, app, req.body, audit);
    case "DELETE": {
      const sp = deps.servicePrincipals.getByAppId(app.appId);
      const lastState = applicationBody(deps.applications, app);
      if (sp !== undefined) {
        deps.servicePrincipals.delete(sp.id);
        noteDeleted(deps, "servicePrincipal", sp.id, { ...sp });
      }
      deps.applications.delete(app.id);
      noteDeleted(deps, "application", app.id, lastState);
      deps.principals.revokeTokens(app.appId);
      return {
        status: 204,
        target: audit,
        ...(sp === undefined
          ? {}
          : {
              cascade: [
                {
                  activityDisplayName: "Delete service principal",
                  target: { id: sp.id, displayName: sp.displayName, type: "ServicePrincipal" as const },
                },
              ],
            }),
      };
    }
    default:
      return methodNotAllowed(req.method);
  }
}

/**
 * The upsert of an application that does not exist yet: created under the uniqueName with
 * `Prefer: create-if-missing`, else 404 as Graph answers an update of nothing.
 */
function upsertCreate(deps: DirectoryDeps, uniqueName: string, req: GraphRequest): GraphResult {
  const preferences = (req.prefer ?? "").split(",").map((p) => p.trim().toLowerCase());
  if (!preferences.includes("create-if-missing")) return notFound(describeKey({ uniqueName }));
  return { ...createApplication(deps, req.body, uniqueName), activityDisplayName: "Add application" };
}

function createApplication(
  deps: DirectoryDeps,
  body: Record<string, unknown> | undefined,
  uniqueName?: string,
): GraphResult {
  const refused = quotaRefusal(deps);
  if (refused !== undefined) return refused;
  const displayName = body?.displayName;
  if (typeof displayName !== "string" || displayName.trim() === "") {
    return graphError(
      400,
      "Request_BadRequest",
      "Property 'displayName' is required and must be a non-empty string.",
    );
  }
  const tags = body?.tags === undefined ? [] : stringArray(body.tags);
  if (tags === undefined) return invalidProperty("tags");
  const notes = body?.notes;
  if (notes !== undefined && notes !== null && typeof notes !== "string") return invalidProperty("notes");
  const app = deps.applications.create({
    displayName,
    tags,
    notes: notes ?? null,
    ...(uniqueName === undefined ? {} : { uniqueName }),
  });
  noteCreated(deps, "application", app.id);
  const result = entity(
    applicationBody(deps.applications, app),
    new URL(deps.baseUrl),
    deps.baseUrl,
    "applications",
  );
  return {
    ...result,
    status: 201,
    headers: { location: `${deps.baseUrl}/v1.0/applications/${app.id}` },
    target: { id: app.id, displayName: app.displayName, type: "Application" },
  };
}

function updateApplication(
  deps: DirectoryDeps,
  app: Application,
  body: Record<string, unknown> | undefined,
  audit: AuditTarget,
): GraphResult {
  const next: Application = { ...app };
  if (body?.displayName !== undefined) {
    if (typeof body.displayName !== "string" || body.displayName.trim() === "")
      return invalidProperty("displayName");
    next.displayName = body.displayName;
  }
  if (body?.tags !== undefined) {
    const tags = stringArray(body.tags);
    if (tags === undefined) return invalidProperty("tags");
    next.tags = tags;
  }
  if (body?.notes !== undefined) {
    if (body.notes !== null && typeof body.notes !== "string") return invalidProperty("notes");
    next.notes = body.notes;
  }
  deps.applications.update(next);
  return { status: 204, target: audit };
}

/** The application as Graph returns it: credentials listed without their secrets. */
function applicationBody(store: ApplicationStore, app: Application): Record<string, unknown> {
  return {
    ...app,
    uniqueName: app.uniqueName ?? null,
    description: null,
    deletedDateTime: null,
    identifierUris: [],
    keyCredentials: [],
    passwordCredentials: store.passwords(app.id),
  };
}

function find(store: ApplicationStore, key: ObjectKey): Application | undefined {
  if ("id" in key) return store.get(key.id);
  return "appId" in key ? store.getByAppId(key.appId) : store.getByUniqueName(key.uniqueName);
}

function unsupported(property: string): GraphResult {
  return graphError(
    400,
    "Request_UnsupportedQuery",
    `Unsupported or invalid query filter clause specified for property '${property}' of resource 'Application'.`,
  );
}

function invalidProperty(property: string): GraphResult {
  return graphError(
    400,
    "Request_BadRequest",
    `Invalid value specified for property '${property}' of resource 'Application'.`,
  );
}
