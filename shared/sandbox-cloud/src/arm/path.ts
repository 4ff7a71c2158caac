// Parses an ARM request path into what it addresses. ARM paths are case-insensitive and the SDK's
// by-id calls expand `/{+resourceId}` into a double slash, so empty segments are dropped.
export type ArmTarget =
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
      /** Set for `POST …/{action}`; also what a trailing collection segment would be. */
      action?: string;
    }
  | { kind: "activityLog"; subscriptionId: string }
  | { kind: "operationStatus"; subscriptionId: string; operationId: string }
  | { kind: "operationResult"; subscriptionId: string; operationId: string }
  | { kind: "unknown" };

export function parseArmPath(pathname: string): ArmTarget {
  const s = pathname
    .split("/")
    .filter((part) => part !== "")
    .map((part) => decodeURIComponent(part));
  const lower = s.map((part) => part.toLowerCase());
  if (lower[0] !== "subscriptions" || s[1] === undefined) return { kind: "unknown" };
  const subscriptionId = s[1];
  const rest = lower.slice(2);

  if (rest.length === 1 && rest[0] === "resourcegroups") return { kind: "resourceGroups", subscriptionId };
  if (rest.length === 1 && rest[0] === "resources") return { kind: "subscriptionResources", subscriptionId };
  if (rest.length === 2 && rest[0] === "operationresults" && s[3] !== undefined) {
    return { kind: "operationResult", subscriptionId, operationId: s[3] };
  }
  if (rest[0] === "providers") {
    if (rest.join("/") === "providers/microsoft.insights/eventtypes/management/values") {
      return { kind: "activityLog", subscriptionId };
    }
    if (rest.length === 4 && rest[1] === "microsoft.resources" && rest[2] === "asyncoperations" && s[5]) {
      return { kind: "operationStatus", subscriptionId, operationId: s[5] };
    }
    return { kind: "unknown" };
  }
  if (rest[0] !== "resourcegroups" || s[3] === undefined) return { kind: "unknown" };
  const group = s[3];
  if (rest.length === 2) return { kind: "resourceGroup", subscriptionId, group };
  if (rest.length === 3 && rest[2] === "resources") return { kind: "groupResources", subscriptionId, group };
  if (rest[2] !== "providers" || s[5] === undefined) return { kind: "unknown" };

  const namespace = s[5];
  const tail = s.slice(6);
  if (tail.length < 2) return { kind: "unknown" };
  const chain: [string, string][] = [];
  for (let i = 0; i + 1 < tail.length; i += 2) chain.push([tail[i] as string, tail[i + 1] as string]);
  const action = tail.length % 2 === 1 ? tail[tail.length - 1] : undefined;
  return action === undefined
    ? { kind: "resource", subscriptionId, group, namespace, chain }
    : { kind: "resource", subscriptionId, group, namespace, chain, action };
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
  const pairs = chain.map(([type, name]) => `${type}/${name}`).join("/");
  return `${groupId(subscriptionId, group)}/providers/${namespace}/${pairs}`;
}

/** `Microsoft.Storage/storageAccounts/blobServices/containers` for a nested chain. */
export function resourceTypeOf(namespace: string, chain: [string, string][]): string {
  return [namespace, ...chain.map(([type]) => type)].join("/");
}
