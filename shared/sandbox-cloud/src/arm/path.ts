// Parses an ARM request path into what it addresses. ARM paths are case-insensitive; segments are
// decoded once (uri-path.ts) and the naming rules (naming.ts) are checked on the parsed target. A resource
// path with one segment too many (`…/networkSecurityGroups/nsg1/securityRules`) means two things to ARM: POST
// runs the action of that name, any other method addresses the collection of that child type, so the
// method takes part in the parse.
import { decodePathSegments } from "../uri-path.ts";

export type ArmTarget =
  | { kind: "subscriptions" }
  | { kind: "subscription"; subscriptionId: string }
  | { kind: "providers"; subscriptionId: string }
  | {
      kind: "provider";
      subscriptionId: string;
      namespace: string;
      /** `register` / `unregister` for the POST actions. */
      action?: string;
    }
  | { kind: "resourceGroups"; subscriptionId: string }
  | { kind: "resourceGroup"; subscriptionId: string; group: string }
  | { kind: "subscriptionResources"; subscriptionId: string }
  | { kind: "groupResources"; subscriptionId: string; group: string }
  | {
      kind: "resource";
      subscriptionId: string;
      group: string;
      namespace: string;
      /** type/name pairs, outermost first: [["storageAccounts","acct"],["blobServices","default"]]. */
      chain: [string, string][];
      /** Set for `POST …/{action}`. */
      action?: string;
    }
  | {
      /** `GET …/{type}/{name}/{childType}`: the children of one type directly under a parent. */
      kind: "childResources";
      subscriptionId: string;
      group: string;
      namespace: string;
      /** The parent's type/name pairs; empty for a top-level type's collection in the group. */
      chain: [string, string][];
      childType: string;
    }
  | { kind: "roleAssignments"; subscriptionId: string; scope: string; scopeTarget: ScopeTarget }
  | { kind: "roleAssignment"; subscriptionId: string; scope: string; scopeTarget: ScopeTarget; name: string }
  /** Role definitions can also be read at the tenant root (scope ""), which has no subscription. */
  | { kind: "roleDefinitions"; subscriptionId?: string; scope: string; scopeTarget?: ScopeTarget }
  | {
      kind: "roleDefinition";
      subscriptionId?: string;
      scope: string;
      scopeTarget?: ScopeTarget;
      roleId: string;
    }
  | { kind: "activityLog"; subscriptionId: string }
  | { kind: "operationStatus"; subscriptionId: string; operationId: string }
  | { kind: "operationResult"; subscriptionId: string; operationId: string }
  /** A path ARM refuses before reading it: a broken or double percent-encoding. */
  | { kind: "invalidUri"; code: string; message: string }
  | { kind: "unknown" };

/** What a role assignment or definition can be scoped to. */
export type ScopeTarget = Extract<ArmTarget, { kind: "subscription" | "resourceGroup" | "resource" }>;

export function parseArmPath(pathname: string, method = "GET"): ArmTarget {
  // ARM refuses `%25` outright rather than decode twice: a name is decoded exactly once.
  if (/%25/i.test(pathname)) {
    return {
      kind: "invalidUri",
      code: "InvalidDoubleEncodedRequestUri",
      message: `The request URI '${pathname}' is not valid, because it contains double encoding sequence '%25'.`,
    };
  }
  const decoded = decodePathSegments(pathname);
  if ("malformed" in decoded) {
    return {
      kind: "invalidUri",
      code: "InvalidRequestUri",
      message: `The request URI '${pathname}' is not valid: the segment '${decoded.malformed}' is not correctly percent-encoded.`,
    };
  }
  return parseArmSegments(decoded.segments, method);
}

function parseArmSegments(s: string[], method: string): ArmTarget {
  const lower = s.map((part) => part.toLowerCase());
  const authorization = parseAuthorizationPath(s, lower);
  if (authorization !== undefined) return authorization;
  if (lower[0] !== "subscriptions") return { kind: "unknown" };
  if (s.length === 1) return { kind: "subscriptions" };
  const subscriptionId = s[1] as string;
  const rest = lower.slice(2);

  if (rest.length === 0) return { kind: "subscription", subscriptionId };
  if (rest.length === 1 && rest[0] === "resourcegroups") return { kind: "resourceGroups", subscriptionId };
  if (rest.length === 1 && rest[0] === "resources") return { kind: "subscriptionResources", subscriptionId };
  if (rest.length === 2 && rest[0] === "operationresults" && s[3] !== undefined) {
    return { kind: "operationResult", subscriptionId, operationId: s[3] };
  }
  if (rest[0] === "providers") return parseProviderPath(subscriptionId, s.slice(3), rest.slice(1));
  if (rest[0] !== "resourcegroups" || s[3] === undefined) return { kind: "unknown" };
  const group = s[3];
  if (rest.length === 2) return { kind: "resourceGroup", subscriptionId, group };
  if (rest.length === 3 && rest[2] === "resources") return { kind: "groupResources", subscriptionId, group };
  if (rest[2] !== "providers" || s[5] === undefined) return { kind: "unknown" };

  const namespace = s[5];
  const tail = s.slice(6);
  if (tail.length === 0) return { kind: "unknown" };
  const chain: [string, string][] = [];
  for (let i = 0; i + 1 < tail.length; i += 2) chain.push([tail[i] as string, tail[i + 1] as string]);
  const trailing = tail.length % 2 === 1 ? (tail[tail.length - 1] as string) : undefined;
  if (trailing === undefined) return { kind: "resource", subscriptionId, group, namespace, chain };
  if (method.toUpperCase() === "POST" && chain.length > 0) {
    return { kind: "resource", subscriptionId, group, namespace, chain, action: trailing };
  }
  return { kind: "childResources", subscriptionId, group, namespace, chain, childType: trailing };
}

/** `/subscriptions/{s}/providers/…`: the Activity Log, async operations, and resource providers. */
function parseProviderPath(subscriptionId: string, segments: string[], lower: string[]): ArmTarget {
  if (lower.join("/") === "microsoft.insights/eventtypes/management/values") {
    return { kind: "activityLog", subscriptionId };
  }
  if (lower.length === 3 && lower[0] === "microsoft.resources" && lower[1] === "asyncoperations") {
    return { kind: "operationStatus", subscriptionId, operationId: segments[2] as string };
  }
  if (lower.length === 0) return { kind: "providers", subscriptionId };
  const namespace = segments[0] as string;
  if (lower.length === 1) return { kind: "provider", subscriptionId, namespace };
  if (lower.length === 2 && (lower[1] === "register" || lower[1] === "unregister")) {
    return { kind: "provider", subscriptionId, namespace, action: lower[1] };
  }
  return { kind: "unknown" };
}

/**
 * `{scope}/providers/Microsoft.Authorization/roleAssignments[/{name}]` and `…/roleDefinitions[/{id}]`,
 * where scope is a subscription, a resource group or a resource (or, for definitions, the tenant root).
 */
function parseAuthorizationPath(s: string[], lower: string[]): ArmTarget | undefined {
  const at = lower.findIndex(
    (part, i) =>
      part === "providers" &&
      lower[i + 1] === "microsoft.authorization" &&
      (lower[i + 2] === "roleassignments" || lower[i + 2] === "roledefinitions"),
  );
  if (at < 0) return undefined;
  const tail = s.slice(at + 3);
  if (tail.length > 1) return { kind: "unknown" };
  const scopeSegments = s.slice(0, at);
  const scope = scopeSegments.length === 0 ? "" : `/${scopeSegments.join("/")}`;
  const definitions = lower[at + 2] === "roledefinitions";
  if (scopeSegments.length === 0) {
    // Only role definitions are readable at the tenant root; anything else is not a scope ARM knows.
    if (!definitions) return { kind: "unknown" };
    return tail[0] === undefined
      ? { kind: "roleDefinitions", scope }
      : { kind: "roleDefinition", scope, roleId: tail[0] };
  }
  const scopeTarget = parseArmSegments(scopeSegments, "GET");
  if (
    scopeTarget.kind !== "subscription" &&
    scopeTarget.kind !== "resourceGroup" &&
    scopeTarget.kind !== "resource"
  ) {
    return { kind: "unknown" };
  }
  const { subscriptionId } = scopeTarget;
  if (definitions) {
    return tail[0] === undefined
      ? { kind: "roleDefinitions", subscriptionId, scope, scopeTarget }
      : { kind: "roleDefinition", subscriptionId, scope, scopeTarget, roleId: tail[0] };
  }
  return tail[0] === undefined
    ? { kind: "roleAssignments", subscriptionId, scope, scopeTarget }
    : { kind: "roleAssignment", subscriptionId, scope, scopeTarget, name: tail[0] };
}

export function groupId(subscriptionId: string, group: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${group}`;
}

export function resourceIdOf(
  subscriptionId: string,
  group: string,
  namespace: string,
  chain: [string, string][],
): string {
  return [`${groupId(subscriptionId, group)}/providers/${namespace}`, ...chain.flat()].join("/");
}

/** `…/networkSecurityGroups/nsg1/securityRules`: where a parent's children of one type are listed. */
export function childCollectionIdOf(target: Extract<ArmTarget, { kind: "childResources" }>): string {
  return `${resourceIdOf(target.subscriptionId, target.group, target.namespace, target.chain)}/${target.childType}`;
}

/** `Microsoft.Storage/storageAccounts/blobServices/containers` for a nested chain. */
export function resourceTypeOf(namespace: string, chain: [string, string][]): string {
  return [namespace, ...chain.map(([type]) => type)].join("/");
}
