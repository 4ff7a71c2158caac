// Decides whether a caller may perform an ARM action at a scope: a bootstrap principal acts as Owner at
// its registered scopes; an application's service principal has exactly what its role assignments grant
// at scopes covering the target.
import { scopeCovers } from "../arm/scope.ts";
import type { Caller } from "../auth/callers.ts";
import type { RoleAssignmentStore } from "../store/role-assignment-store.ts";
import { builtInRole } from "./built-in-roles.ts";
import { roleAllows } from "./permissions.ts";

export class Authorizer {
  readonly #assignments: RoleAssignmentStore;

  constructor(assignments: RoleAssignmentStore) {
    this.#assignments = assignments;
  }

  allows(caller: Caller, action: string, scope: string): boolean {
    if (caller.kind === "bootstrap") return scopeCovers(caller.ownerScopes, scope);
    if (caller.objectId === undefined) return false;
    return this.#assignments.forPrincipal(caller.objectId).some((assignment) => {
      const role = builtInRole(lastSegment(assignment.properties.roleDefinitionId));
      return (
        role !== undefined && scopeCovers([assignment.properties.scope], scope) && roleAllows(role, action)
      );
    });
  }

  /**
   * Whether the caller holds any grant at or below `scope`. ARM list calls by such a caller succeed and
   * show only what it may read, instead of failing outright.
   */
  hasGrantWithin(caller: Caller, scope: string): boolean {
    const grantScopes =
      caller.kind === "bootstrap"
        ? caller.ownerScopes
        : caller.objectId === undefined
          ? []
          : this.#assignments.forPrincipal(caller.objectId).map((a) => a.properties.scope);
    return grantScopes.some((grant) => scopeCovers([scope], grant));
  }
}

function lastSegment(id: string): string {
  return (
    id
      .split("/")
      .filter((part) => part !== "")
      .pop() ?? ""
  );
}
