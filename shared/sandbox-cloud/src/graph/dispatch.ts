// The Microsoft Graph front door under /v1.0: authenticate (a Graph-audience token), require directory
// write permission, maybe inject a fault into a write, route, and audit every write. Order follows
// Graph: 401 before 403 before 400/404.
import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import { isGraphAudience } from "../auth/audiences.ts";
import type { Caller, Callers } from "../auth/callers.ts";
import type { Principals } from "../auth/principals.ts";
import type { Faults } from "../faults.ts";
import type { Realism } from "../realism.ts";
import type { ApplicationStore } from "../store/application-store.ts";
import type { DirectoryAuditStore } from "../store/directory-audit-store.ts";
import type { RecycleBinStore } from "../store/recycle-bin-store.ts";
import type { Replication } from "../store/replication-store.ts";
import type { ServicePrincipalStore } from "../store/service-principal-store.ts";
import { application, applicationsCollection } from "./applications.ts";
import { deletedItem, deletedItems } from "./deleted-items.ts";
import { type DirectoryActivity, directoryActivity } from "./directory-activity.ts";
import { directoryAudits } from "./directory-audits.ts";
import { type GraphTarget, parseGraphPath } from "./path.ts";
import { type GraphErrorBody, type GraphResult, graphError } from "./result.ts";
import { servicePrincipal, servicePrincipalsCollection } from "./service-principals.ts";

export interface GraphDeps {
  callers: Callers;
  principals: Principals;
  applications: ApplicationStore;
  servicePrincipals: ServicePrincipalStore;
  audits: DirectoryAuditStore;
  replication: Replication;
  recycleBin: RecycleBinStore;
  faults: Faults;
  realism: Realism;
  baseUrl: () => string;
}

export async function handleGraphRequest(c: Context, deps: GraphDeps): Promise<Response> {
  const url = new URL(c.req.url);
  const method = c.req.method.toUpperCase();
  const target = parseGraphPath(url.pathname);
  const requestId = randomUUID();
  const clientRequestId = c.req.header("client-request-id") ?? requestId;
  const header = c.req.header("authorization");
  const caller = deps.callers.fromAuthorization(header);

  let result: GraphResult;
  if (caller === undefined) {
    result = graphError(
      401,
      "InvalidAuthenticationToken",
      header === undefined ? "Access token is empty." : "Access token validation failure.",
    );
  } else if (!isGraphAudience(caller.audience)) {
    result = graphError(
      401,
      "InvalidAuthenticationToken",
      "Access token validation failure. Invalid audience.",
    );
  } else {
    const activity = directoryActivity(target, method);
    result = await decide(c, deps, target, method, url, caller, activity);
    // Unauthenticated calls cannot be attributed, so like Entra only authenticated writes are audited.
    if (activity !== undefined) audit(deps, caller, activity, result);
  }
  return toResponse(result, { requestId, clientRequestId });
}

async function decide(
  c: Context,
  deps: GraphDeps,
  target: GraphTarget,
  method: string,
  url: URL,
  caller: Caller,
  activity: DirectoryActivity | undefined,
): Promise<GraphResult> {
  if (!caller.directoryWriter) {
    return graphError(
      403,
      "Authorization_RequestDenied",
      "Insufficient privileges to complete the operation.",
    );
  }
  if (target.kind === "unknown") {
    return graphError(400, "BadRequest", `Resource not found for the segment '${target.segment}'.`);
  }
  if (target.kind === "invalid") return graphError(400, "Request_BadRequest", target.message);
  const body = await readBody(c, method);
  if (body === "invalid") {
    return graphError(
      400,
      "BadRequest",
      "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
    );
  }
  // Only writes are faulted: reads are what tests use to observe the outcome of a faulted write.
  if (activity !== undefined) {
    const fault = deps.faults.draw(activity.category);
    if (fault !== undefined)
      return { ...graphError(fault.status, fault.code, fault.message), headers: fault.headers };
  }
  const directory = {
    applications: deps.applications,
    servicePrincipals: deps.servicePrincipals,
    principals: deps.principals,
    replication: deps.replication,
    recycleBin: deps.recycleBin,
    quota: deps.realism.directoryObjectQuota,
    creator: caller.objectId ?? caller.clientId,
    baseUrl: deps.baseUrl(),
  };
  const req = { method, url, body, prefer: c.req.header("prefer") };
  switch (target.kind) {
    case "applications":
      return applicationsCollection(directory, req);
    case "application":
      return application(directory, target, req);
    case "servicePrincipals":
      return servicePrincipalsCollection(directory, req);
    case "servicePrincipal":
      return servicePrincipal(directory, target, req);
    case "directoryAudits":
      return directoryAudits(deps.audits, req, directory.baseUrl);
    case "deletedItems":
      return deletedItems(directory, target, req);
    case "deletedItem":
      return deletedItem(directory, target, req);
  }
}

function audit(deps: GraphDeps, caller: Caller, activity: DirectoryActivity, result: GraphResult): void {
  const correlationId = randomUUID();
  const failed = result.status >= 400;
  const code = (result.body as GraphErrorBody | undefined)?.error?.code;
  const initiatedBy = {
    appId: caller.clientId,
    displayName: caller.clientId,
    servicePrincipalId: caller.objectId ?? null,
  };
  const entries = [
    {
      activityDisplayName: result.activityDisplayName ?? activity.activityDisplayName,
      target: result.target,
    },
    ...(failed ? [] : (result.cascade ?? [])),
  ];
  for (const entry of entries) {
    deps.audits.record({
      activityDisplayName: entry.activityDisplayName,
      operationType: activity.operationType,
      result: failed ? "failure" : "success",
      resultReason: failed ? `${result.status} ${code ?? ""}`.trim() : "",
      initiatedBy,
      ...(entry.target === undefined ? {} : { target: entry.target }),
      correlationId,
      time: new Date(),
    });
  }
}

async function readBody(
  c: Context,
  method: string,
): Promise<Record<string, unknown> | undefined | "invalid"> {
  if (method !== "POST" && method !== "PATCH") return undefined;
  const text = await c.req.text();
  if (text.trim() === "") return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : "invalid";
  } catch {
    return "invalid";
  }
}

function toResponse(result: GraphResult, ids: { requestId: string; clientRequestId: string }): Response {
  const headers = new Headers(result.headers);
  headers.set("request-id", ids.requestId);
  headers.set("client-request-id", ids.clientRequestId);
  let body = result.body as (GraphErrorBody & Record<string, unknown>) | undefined;
  if (body?.error !== undefined) {
    body = {
      error: {
        ...body.error,
        innerError: {
          date: new Date().toISOString().slice(0, 19),
          "request-id": ids.requestId,
          "client-request-id": ids.clientRequestId,
        },
      },
    };
  }
  if (result.status === 204 || body === undefined)
    return new Response(null, { status: result.status, headers });
  headers.set("content-type", "application/json;odata.metadata=minimal;odata.streaming=true;charset=utf-8");
  return new Response(JSON.stringify(body), { status: result.status, headers });
}
