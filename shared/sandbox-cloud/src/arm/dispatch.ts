// The ARM front door: authenticate, require api-version, check the principal's scope, route, and record
// the call. Order follows ARM: 401 before 400 before 403 before the resource provider answers.
import { randomUUID } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import type { Context } from "hono";
import { type Principal, type Principals, scopeCovers } from "../auth/principals.ts";
import type { ActivityStore } from "../store/activity-store.ts";
import type { ResourceStore } from "../store/resource-store.ts";
import { activityScope, listActivity } from "./activity-log.ts";
import { intendedOperation } from "./intended-operation.ts";
import { type ArmTarget, parseArmPath } from "./path.ts";
import { handleResourceGroup, listResourceGroups } from "./resource-groups.ts";
import { handleResource, listResources } from "./resources.ts";
import { type ArmResult, armError } from "./result.ts";

export interface ArmDeps {
  db: DatabaseSync;
  principals: Principals;
  resources: ResourceStore;
  activity: ActivityStore;
  baseUrl: () => string;
}

// Polls and Activity Log reads are bookkeeping, not management activity; recording them would bury
// the agents' own calls.
const unrecorded = new Set<ArmTarget["kind"]>(["activityLog", "operationStatus", "operationResult"]);

export async function handleArmRequest(c: Context, deps: ArmDeps): Promise<Response> {
  const url = new URL(c.req.url);
  const method = c.req.method.toUpperCase();
  const target = parseArmPath(url.pathname);
  const intended = intendedOperation(target, method);
  const principal = authenticate(c.req.header("authorization"), deps.principals);

  const result = await decide(c, deps, target, method, url, principal, intended);
  if (target.kind !== "unknown" && !unrecorded.has(target.kind)) {
    deps.activity.record({
      operationName: result.operationName,
      caller: principal?.clientId ?? "",
      resourceId: result.resourceId,
      subscriptionId: target.subscriptionId,
      ...("group" in target ? { resourceGroupName: target.group } : {}),
      httpMethod: method,
      status: result.status,
      timestamp: new Date(),
    });
  }
  return toResponse(result, method);
}

async function decide(
  c: Context,
  deps: ArmDeps,
  target: ArmTarget,
  method: string,
  url: URL,
  principal: Principal | undefined,
  intended: { name: string; scope: string },
): Promise<ArmResult> {
  const fail = (status: number, code: string, message: string) =>
    armError(status, code, message, intended.name, intended.scope);

  if (principal === undefined) {
    return c.req.header("authorization") === undefined
      ? fail(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.")
      : fail(401, "InvalidAuthenticationToken", "The access token is invalid or has expired.");
  }
  if (!url.searchParams.get("api-version")) {
    return fail(
      400,
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    );
  }
  if (target.kind === "unknown") {
    return fail(404, "InvalidResourceType", `The sandbox cloud does not serve '${url.pathname}'.`);
  }
  const filter = url.searchParams.get("$filter") ?? undefined;
  // Operation polls carry unguessable ids and must work for group-scoped principals deleting their own
  // group, so only the Activity Log and ordinary targets are scope-checked.
  const scope = target.kind === "activityLog" ? activityScope(target.subscriptionId, filter) : intended.scope;
  const polling = target.kind === "operationStatus" || target.kind === "operationResult";
  if (!polling && !scopeCovers(principal.scopes, scope)) {
    return fail(
      403,
      "AuthorizationFailed",
      `The client '${principal.clientId}' does not have authorization to perform action '${intended.name}' over scope '${scope}' or the scope is invalid.`,
    );
  }

  const body = await readBody(c, method);
  if (body === "invalid") return fail(400, "InvalidRequestContent", "The request content was invalid JSON.");
  const newOperationId = () => {
    const id = randomUUID();
    deps.db.prepare("INSERT INTO operations (id, status) VALUES (?, 'Succeeded')").run(id);
    return id;
  };
  const baseUrl = deps.baseUrl();

  switch (target.kind) {
    case "resourceGroups":
      return method === "GET"
        ? listResourceGroups(deps.resources, target.subscriptionId, filter)
        : fail(405, "MethodNotAllowed", `${method} is not supported here.`);
    case "resourceGroup":
      return handleResourceGroup(deps.resources, { method, ...target, body, baseUrl, newOperationId });
    case "subscriptionResources":
    case "groupResources": {
      if (method !== "GET") return fail(405, "MethodNotAllowed", `${method} is not supported here.`);
      if (target.kind === "groupResources" && !deps.resources.getGroup(intended.scope)) {
        return fail(404, "ResourceGroupNotFound", `Resource group '${target.group}' could not be found.`);
      }
      return listResources(deps.resources, intended.scope, intended.name, filter);
    }
    case "resource":
      return handleResource(deps.resources, { method, ...target, body, baseUrl, newOperationId });
    case "activityLog":
      return listActivity(deps.activity, target.subscriptionId, filter);
    case "operationStatus":
    case "operationResult": {
      const known = deps.db.prepare("SELECT status FROM operations WHERE id = ?").get(target.operationId);
      if (known === undefined)
        return fail(404, "OperationNotFound", `Operation '${target.operationId}' not found.`);
      // The SDK checks poll responses against the initial call's expected statuses (200/202 for a group
      // delete), so a finished operation answers 200, not 204.
      return target.kind === "operationResult"
        ? { status: 200, operationName: intended.name, resourceId: intended.scope }
        : {
            status: 200,
            body: { id: target.operationId, name: target.operationId, status: "Succeeded" },
            operationName: intended.name,
            resourceId: intended.scope,
          };
    }
  }
}

function authenticate(header: string | undefined, principals: Principals): Principal | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match?.[1] === undefined ? undefined : principals.authenticate(match[1]);
}

async function readBody(
  c: Context,
  method: string,
): Promise<Record<string, unknown> | undefined | "invalid"> {
  if (method !== "PUT" && method !== "PATCH" && method !== "POST") return undefined;
  const text = await c.req.text();
  if (text.trim() === "") return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : "invalid";
  } catch {
    return "invalid";
  }
}

function toResponse(result: ArmResult, method: string): Response {
  const headers = new Headers(result.headers);
  const noBody = method === "HEAD" || result.status === 204 || result.body === undefined;
  if (!noBody) headers.set("content-type", "application/json; charset=utf-8");
  headers.set("x-ms-request-id", randomUUID());
  return new Response(noBody ? null : JSON.stringify(result.body), { status: result.status, headers });
}
