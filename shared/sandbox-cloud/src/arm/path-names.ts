// Checks every name segment of a parsed ARM path against Azure's naming rules (naming.ts), outermost
// first, as ARM reports the first bad segment. A role assignment's or definition's scope is checked like
// any other path, so a scope cannot smuggle a separator either.
import {
  actionNameProblem,
  type NameProblem,
  namespaceProblem,
  resourceGroupNameProblem,
  resourceNameProblem,
  resourceNameProblemOnCreate,
  resourceTypeProblem,
  subscriptionIdProblem,
} from "./naming.ts";
import { type ArmTarget, resourceTypeOf } from "./path.ts";

export function pathNameProblem(target: ArmTarget, method: string): NameProblem | undefined {
  const checks: (() => NameProblem | undefined)[] = [];
  if ("subscriptionId" in target && target.subscriptionId !== undefined) {
    const { subscriptionId } = target;
    checks.push(() => subscriptionIdProblem(subscriptionId));
  }
  switch (target.kind) {
    case "resourceGroup":
    case "groupResources":
      checks.push(() => resourceGroupNameProblem(target.group));
      break;
    case "provider":
      checks.push(() => namespaceProblem(target.namespace));
      break;
    case "resource":
    case "childResources": {
      checks.push(() => resourceGroupNameProblem(target.group));
      checks.push(() => namespaceProblem(target.namespace));
      for (const [type, name] of target.chain) {
        checks.push(() => resourceTypeProblem(type));
        checks.push(() => resourceNameProblem(name));
      }
      if (target.kind === "childResources") checks.push(() => resourceTypeProblem(target.childType));
      else if (target.action !== undefined) {
        const { action } = target;
        checks.push(() => actionNameProblem(action));
      } else if (method === "PUT") {
        const name = target.chain[target.chain.length - 1]?.[1] ?? "";
        checks.push(() => resourceNameProblemOnCreate(resourceTypeOf(target.namespace, target.chain), name));
      }
      break;
    }
    case "roleAssignment":
    case "roleAssignments":
    case "roleDefinition":
    case "roleDefinitions": {
      const { scopeTarget } = target;
      if (scopeTarget !== undefined) checks.push(() => pathNameProblem(scopeTarget, "GET"));
      if (target.kind === "roleAssignment") checks.push(() => resourceNameProblem(target.name));
      if (target.kind === "roleDefinition") checks.push(() => resourceNameProblem(target.roleId));
      break;
    }
    case "operationStatus":
    case "operationResult":
      checks.push(() => resourceNameProblem(target.operationId));
      break;
  }
  for (const check of checks) {
    const problem = check();
    if (problem !== undefined) return problem;
  }
  return undefined;
}
