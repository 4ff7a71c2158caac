// A bootstrap principal's scopes are compared by segments like any role assignment's, so they must be
// what ARM would accept as a scope: a subscription or a resource group with valid names.
import { type ArmTarget, parseArmPath } from "./path.ts";
import { pathNameProblem } from "./path-names.ts";

/** Why `scope` cannot be a bootstrap principal's scope, or undefined when it can. */
export function ownerScopeProblem(scope: string): string | undefined {
  const target: ArmTarget = parseArmPath(scope);
  if (target.kind !== "subscription" && target.kind !== "resourceGroup") {
    return `the scope '${scope}' is neither /subscriptions/{id} nor /subscriptions/{id}/resourceGroups/{name}.`;
  }
  const problem = pathNameProblem(target, "GET");
  return problem === undefined ? undefined : `the scope '${scope}' is invalid: ${problem.message}`;
}
