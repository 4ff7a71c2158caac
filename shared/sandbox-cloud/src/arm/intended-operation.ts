// The operation a request would perform, known before any handler runs: authentication, authorization
// and injected faults are recorded (and 403s explained) under the name of the action refused. The
// category is what fault injection draws against.
import { containerAppsOperation } from "../container-apps/operations.ts";
import type { FaultCategory } from "../faults.ts";
import { type ArmTarget, childCollectionIdOf, groupId, resourceIdOf, resourceTypeOf } from "./path.ts";

export interface IntendedOperation {
  /** The Azure operation (RBAC action) name, e.g. `Microsoft.Storage/storageAccounts/write`. */
  name: string;
  /** The ARM scope the action is checked against. */
  scope: string;
  category: FaultCategory;
}

export function intendedOperation(target: ArmTarget, method: string): IntendedOperation {
  const special = containerAppsOperation(target, method);
  if (special !== undefined) return special;
  const verb = method === "DELETE" ? "delete" : method === "GET" || method === "HEAD" ? "read" : "write";
  const single = (name: string, scope: string): IntendedOperation => ({ name, scope, category: verb });
  const list = (name: string, scope: string): IntendedOperation => ({ name, scope, category: "list" });
  const subscription = "subscriptionId" in target ? `/subscriptions/${target.subscriptionId}` : "/";
  switch (target.kind) {
    case "resource": {
      const type = resourceTypeOf(target.namespace, target.chain);
      const scope = resourceIdOf(target.subscriptionId, target.group, target.namespace, target.chain);
      return target.action
        ? { name: `${type}/${target.action}/action`, scope, category: "action" }
        : single(`${type}/${verb}`, scope);
    }
    case "childResources": {
      // ARM authorizes a child list as a read of the child type, at the collection's path.
      const name = `${resourceTypeOf(target.namespace, target.chain)}/${target.childType}/${verb}`;
      return verb === "read"
        ? list(name, childCollectionIdOf(target))
        : single(name, childCollectionIdOf(target));
    }
    case "resourceGroup":
      return single(
        `Microsoft.Resources/subscriptions/resourceGroups/${verb}`,
        groupId(target.subscriptionId, target.group),
      );
    case "groupResources":
      return list(
        "Microsoft.Resources/subscriptions/resourceGroups/resources/read",
        groupId(target.subscriptionId, target.group),
      );
    case "resourceGroups":
      return list("Microsoft.Resources/subscriptions/resourceGroups/read", subscription);
    case "subscriptionResources":
      return list("Microsoft.Resources/subscriptions/resources/read", subscription);
    case "subscriptions":
      return list("Microsoft.Resources/subscriptions/read", "/");
    case "subscription":
      return single("Microsoft.Resources/subscriptions/read", subscription);
    case "providers":
      return list("Microsoft.Resources/subscriptions/providers/read", subscription);
    case "provider":
      return target.action
        ? { name: `${target.namespace}/${target.action}/action`, scope: subscription, category: "action" }
        : single("Microsoft.Resources/subscriptions/providers/read", subscription);
    case "roleAssignment":
      return single(
        `Microsoft.Authorization/roleAssignments/${verb}`,
        `${target.scope}/providers/Microsoft.Authorization/roleAssignments/${target.name}`,
      );
    case "roleAssignments":
      return list("Microsoft.Authorization/roleAssignments/read", target.scope);
    case "roleDefinition":
      return single(`Microsoft.Authorization/roleDefinitions/${verb}`, target.scope || "/");
    case "roleDefinitions":
      return list("Microsoft.Authorization/roleDefinitions/read", target.scope || "/");
    case "activityLog":
      return list("Microsoft.Insights/eventtypes/values/read", subscription);
    case "operationStatus":
    case "operationResult":
      return single("Microsoft.Resources/operations/read", subscription);
    case "unknown":
    case "invalidUri":
      return { name: "unknown", scope: "/", category: verb };
  }
}
