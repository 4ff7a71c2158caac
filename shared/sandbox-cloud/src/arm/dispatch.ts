// The ARM front door: authenticate, require api-version, check the path against Azure's naming rules and
// the subscription, authorize, maybe inject a fault, route, and record the call. Order follows ARM: 401
// before 400 before 404 (subscription) before 403 before the resource provider answers.
import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import { isArmAudience } from "../auth/audiences.ts";
import type { Caller } from "../auth/callers.ts";
import { parseActivityFilter } from "./activity-filter.ts";
import { activityScope } from "./activity-log.ts";
import type { ArmDeps } from "./arm-deps.ts";
import { type IntendedOperation, intendedOperation } from "./intended-operation.ts";
import type { NameProblem } from "./naming.ts";
import { type ArmTarget, parseArmPath } from "./path.ts";
import { pathNameProblem } from "./path-names.ts";
import { type ArmResult, armError } from "./result.ts";
import { type RoutedTarget, routeArmRequest, type Visibility } from "./route.ts";
import { segmentsOf } from "./scope.ts";
import { remainingHeader, type ThrottleDecision } from "./throttle.ts";

export type { ArmDeps } from "./arm-deps.ts";

// Polls and Activity Log reads are bookkeeping, not management activity: recording them would bury the
// agents' own calls, and faulting them would test the SDK's poller rather than HayMaker.
const bookkeeping = new Set<ArmTarget["kind"]>(["activityLog", "operationStatus", "operationResult"]);

export async function handleArmRequest(c: Context, deps: ArmDeps): Promise<Response> {
  const url = new URL(c.req.url);
  const method = c.req.method.toUpperCase();
  const target = parseArmPath(url.pathname, method);
  const intended = intendedOperation(target, method);
  const caller = deps.callers.fromAuthorization(c.req.header("authorization"));
  // A path ARM refuses for its shape or its names addresses nothing, so it is answered but not recorded.
  const badPath: NameProblem | undefined =
    target.kind === "invalidUri" ? target : pathNameProblem(target, method);

  // Throttling counts every authenticated call and comes before anything else looks at it; a refused call
  // never reached a resource provider, so the Activity Log has nothing to record.
  const throttle =
    caller !== undefined && isArmAudience(caller.audience)
      ? deps.throttle.take(caller.objectId ?? caller.clientId, method)
      : undefined;
  if (throttle?.allowed === false) return toResponse(throttled(deps, caller, throttle, intended), method);
  const result = await decide(c, deps, { target, method, url, caller, intended, badPath });
  if (throttle?.allowed) {
    result.headers = { ...result.headers, [remainingHeader(throttle.kind)]: String(throttle.remaining) };
  }
  const subscriptionId = "subscriptionId" in target ? target.subscriptionId : undefined;
  const ours = subscriptionId?.toLowerCase() === deps.identity.subscriptionId.toLowerCase();
  if (ours && badPath === undefined && !bookkeeping.has(target.kind)) {
    deps.activity.record({
      operationName: result.operationName,
      caller: caller?.clientId ?? "",
      ...(caller?.objectId === undefined ? {} : { callerObjectId: caller.objectId }),
      resourceId: result.resourceId,
      subscriptionId: deps.identity.subscriptionId,
      ...groupOf(result.resourceId),
      httpMethod: method,
      status: result.status,
      timestamp: new Date(),
      ingestionDelayMs: deps.realism.activityLogDelayMs,
    });
  }
  return toResponse(result, method);
}

function throttled(
  deps: ArmDeps,
  caller: Caller | undefined,
  throttle: Extract<ThrottleDecision, { allowed: false }>,
  intended: IntendedOperation,
): ArmResult {
  const kind = throttle.kind === "reads" ? "read" : "write";
  return {
    ...armError(
      429,
      "TooManyRequests",
      `Number of '${kind}' requests for subscription '${deps.identity.subscriptionId}' actor '${caller?.objectId ?? caller?.clientId}' exceeded. Please try after '${throttle.retryAfterSeconds}' seconds.`,
      intended.name,
      intended.scope,
    ),
    headers: { "retry-after": String(throttle.retryAfterSeconds), [remainingHeader(throttle.kind)]: "0" },
  };
}

interface FrontDoorRequest {
  target: ArmTarget;
  method: string;
  url: URL;
  caller: Caller | undefined;
  intended: IntendedOperation;
  badPath: NameProblem | undefined;
}

async function decide(c: Context, deps: ArmDeps, req: FrontDoorRequest): Promise<ArmResult> {
  const { target, method, url, caller, intended } = req;
  const fail = (status: number, code: string, message: string, headers?: Record<string, string>) => ({
    ...armError(status, code, message, intended.name, intended.scope),
    ...(headers === undefined ? {} : { headers }),
  });

  if (caller === undefined) {
    return c.req.header("authorization") === undefined
      ? fail(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.")
      : fail(401, "InvalidAuthenticationToken", "The access token is invalid or has expired.");
  }
  if (!isArmAudience(caller.audience)) {
    return fail(
      401,
      "InvalidAuthenticationToken",
      `The access token has been obtained for wrong audience or resource '${caller.audience}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`,
    );
  }
  if (!url.searchParams.get("api-version")) {
    return fail(
      400,
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    );
  }
  if (req.badPath !== undefined) return fail(400, req.badPath.code, req.badPath.message);
  if ("subscriptionId" in target && target.subscriptionId !== undefined) {
    if (target.subscriptionId.toLowerCase() !== deps.identity.subscriptionId.toLowerCase()) {
      return fail(
        404,
        "SubscriptionNotFound",
        `The subscription '${target.subscriptionId}' could not be found.`,
      );
    }
  }
  if (target.kind === "unknown" || target.kind === "invalidUri") {
    return fail(404, "InvalidResourceType", `The sandbox cloud does not serve '${url.pathname}'.`);
  }
  let routed: RoutedTarget;
  if (target.kind === "activityLog") {
    // Parsed once: authorization and the query both use this value.
    const filters = url.searchParams.getAll("$filter");
    const filter =
      filters.length > 1 ? "The $filter parameter may appear once." : parseActivityFilter(filters[0]);
    if (typeof filter === "string") return fail(400, "BadRequest", filter);
    routed = { ...target, filter };
  } else routed = target;

  const visibility = authorize(deps, routed, caller, intended);
  if (visibility === "denied") {
    const scope =
      routed.kind === "activityLog" ? activityScope(routed.subscriptionId, routed.filter) : intended.scope;
    const who =
      caller.objectId === undefined
        ? `'${caller.clientId}'`
        : `'${caller.clientId}' with object id '${caller.objectId}'`;
    return fail(
      403,
      "AuthorizationFailed",
      `The client ${who} does not have authorization to perform action '${intended.name}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }

  const body = await readBody(c, method);
  if (body === "invalid") return fail(400, "InvalidRequestContent", "The request content was invalid JSON.");

  if (!bookkeeping.has(target.kind)) {
    const fault = deps.faults.draw(intended.category);
    if (fault !== undefined) return fail(fault.status, fault.code, fault.message, fault.headers);
  }
  return routeArmRequest(deps, { target: routed, method, url, body, caller, intended, visibility });
}

/**
 * "denied", or what the caller may see. A caller refused the list action at the list's scope but holding
 * grants below it gets the list filtered to what it may read, as ARM does for resource groups.
 */
function authorize(
  deps: ArmDeps,
  target: RoutedTarget,
  caller: Caller,
  intended: IntendedOperation,
): Visibility | "denied" {
  const { authorizer } = deps;
  switch (target.kind) {
    case "operationStatus":
    case "operationResult":
      // Poll URLs carry unguessable ids and must work for a group-scoped principal deleting its own group.
      return "all";
    case "activityLog":
      return authorizer.allows(caller, intended.name, activityScope(target.subscriptionId, target.filter))
        ? "all"
        : "denied";
    case "roleDefinition":
    case "roleDefinitions":
      // Every built-in role can read role definitions; any grant at all is enough.
      return authorizer.hasGrantWithin(caller, "") ? "all" : "denied";
    case "subscription":
    case "subscriptions":
      return "all";
    default:
      if (authorizer.allows(caller, intended.name, intended.scope)) return "all";
      if (intended.category === "list" && authorizer.hasGrantWithin(caller, intended.scope))
        return "readable";
      return "denied";
  }
}

function groupOf(resourceId: string): { resourceGroupName?: string } {
  const [first, , third, group] = segmentsOf(resourceId);
  const inGroup =
    first?.toLowerCase() === "subscriptions" &&
    third?.toLowerCase() === "resourcegroups" &&
    group !== undefined;
  return inGroup ? { resourceGroupName: group } : {};
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
