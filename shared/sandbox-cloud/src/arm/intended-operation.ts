// The operation name a request would perform, known before any handler runs: authentication and
// authorization failures are recorded (and 403s explained) under the name of the action refused.
import { type ArmTarget, groupId, resourceIdOf, resourceTypeOf } from "./path.ts";

export function intendedOperation(target: ArmTarget, method: string): { name: string; scope: string } {
  const verb = method === "DELETE" ? "delete" : method === "GET" || method === "HEAD" ? "read" : "write";
  switch (target.kind) {
    case "resource": {
      const type = resourceTypeOf(target.namespace, target.chain);
      const scope = resourceIdOf(target.subscriptionId, target.group, target.namespace, target.chain);
      return { name: target.action ? `${type}/${target.action}/action` : `${type}/${verb}`, scope };
    }
    case "resourceGroup":
      return {
        name: `Microsoft.Resources/subscriptions/resourceGroups/${verb}`,
        scope: groupId(target.subscriptionId, target.group),
      };
    case "groupResources":
      return {
        name: "Microsoft.Resources/subscriptions/resourceGroups/resources/read",
        scope: groupId(target.subscriptionId, target.group),
      };
    case "resourceGroups":
      return {
        name: "Microsoft.Resources/subscriptions/resourceGroups/read",
        scope: `/subscriptions/${target.subscriptionId}`,
      };
    case "subscriptionResources":
      return {
        name: "Microsoft.Resources/subscriptions/resources/read",
        scope: `/subscriptions/${target.subscriptionId}`,
      };
    case "activityLog":
      return {
        name: "Microsoft.Insights/eventtypes/values/read",
        scope: `/subscriptions/${target.subscriptionId}`,
      };
    case "operationStatus":
    case "operationResult":
      return {
        name: "Microsoft.Resources/operations/read",
        scope: `/subscriptions/${target.subscriptionId}`,
      };
    case "unknown":
      return { name: "unknown", scope: "/" };
  }
}
