// Parses an ARM request path into what it addresses. ARM paths are case-insensitive and the SDK's
// by-id calls expand `/{+resourceId}` into a double slash, so empty segments are dropped. A resource path
// with one segment too many (`…/networkSecurityGroups/nsg1/securityRules`) means two things to ARM: POST
// runs the action of that name, any other method addresses the collection of that child type, so the
// method takes part in the parse.
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
  | { kind: "roleAssignments"; subscriptionId: string; scope: string }
  | { kind: "roleAssignment"; subscriptionId: string; scope: string; name: string }
  /** Role definitions can also be read at the tenant root (scope ""), which has no subscription. */
  | { kind: "roleDefinitions"; subscriptionId?: string; scope: string }
  | { kind: "roleDefinition"; subscriptionId?: string; scope: string; roleId: string }
  | { kind: "activityLog"; subscriptionId: string }
  | { kind: "operationStatus"; subscriptionId: string; operationId: string }
  | { kind: "operationResult"; subscriptionId: string; operationId: string }
  | { kind: "unknown" };

export function parseArmPath(pathname: string, method = "GET"): ArmTarget {
  const s = pathname
    .split("/")
    .filter((part) => part !== "")
    .map((part) => decodeURIComponent(part));
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
  const subscriptionId = scopeSubscription(scope);
  const definitions = lower[at + 2] === "roledefinitions";
  if (subscriptionId === undefined) {
    // Only role definitions are readable at the tenant root; anything else is not a scope ARM knows.
    if (!definitions || scope !== "") return { kind: "unknown" };
    return tail[0] === undefined
      ? { kind: "roleDefinitions", scope }
      : { kind: "roleDefinition", scope, roleId: tail[0] };
  }
  if (definitions) {
    return tail[0] === undefined
      ? { kind: "roleDefinitions", subscriptionId, scope }
      : { kind: "roleDefinition", subscriptionId, scope, roleId: tail[0] };
  }
  return tail[0] === undefined
    ? { kind: "roleAssignments", subscriptionId, scope }
    : { kind: "roleAssignment", subscriptionId, scope, name: tail[0] };
}

/** The subscription of a valid assignment scope (subscription, group or resource), else undefined. */
function scopeSubscription(scope: string): string | undefined {
  const parts = scope.split("/").filter((p) => p !== "");
  if (parts[0]?.toLowerCase() !== "subscriptions" || parts[1] === undefined) return undefined;
  if (parts.length === 2) return parts[1];
  const target = parseArmPath(scope);
  if (target.kind === "resourceGroup") return target.subscriptionId;
  if (target.kind === "resource") return target.subscriptionId;
  return undefined;
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
