// Decides whether a caller may perform an ARM action at a scope: a bootstrap principal acts as Owner at
// its registered scopes; an application's service principal has exactly what its role assignments grant
// at scopes covering the target. With a replication delay (realism), an assignment grants nothing until
// the delay has passed since it was made, as Azure RBAC's caches take minutes to see a new one.
import { scopeCovers } from "../arm/scope.ts";
import type { Caller } from "../auth/callers.ts";
import { principalIdOf } from "../auth/principals.ts";
import type { Replication } from "../store/replication-store.ts";
import type { RoleAssignment, RoleAssignmentStore } from "../store/role-assignment-store.ts";
import { builtInRole } from "./built-in-roles.ts";
import { roleAllows, roleAllowsData } from "./permissions.ts";

export class Authorizer {
  readonly #assignments: RoleAssignmentStore;
  readonly #replication: Replication;

  constructor(assignments: RoleAssignmentStore, replication: Replication) {
    this.#assignments = assignments;
    this.#replication = replication;
  }

  /** The principal's assignments that have taken effect. */
  #effective(principalId: string): RoleAssignment[] {
    return this.#assignments
      .forPrincipal(principalId)
      .filter((a) => !this.#replication.pendingSince(Date.parse(a.properties.createdOn)));
  }

  allows(caller: Caller, action: string, scope: string): boolean {
    if (caller.kind === "bootstrap") return scopeCovers(caller.ownerScopes, scope);
    if (caller.objectId === undefined) return false;
    return this.#effective(caller.objectId).some((assignment) => {
      const role = builtInRole(lastSegment(assignment.properties.roleDefinitionId));
      return (
        role !== undefined && scopeCovers([assignment.properties.scope], scope) && roleAllows(role, action)
      );
    });
  }

  /**
   * Whether the caller's role assignments grant a data action (Key Vault's data plane) at a scope. Only
   * DataActions grant one: a bootstrap principal's Owner grant gives none, as Owner has none in Azure, so
   * it needs an assignment to its object id (bootstrapObjectId) like any other principal.
   */
  allowsData(caller: Caller, dataAction: string, scope: string): boolean {
    const principalId = principalIdOf(caller);
    if (principalId === undefined) return false;
    return this.#effective(principalId).some((assignment) => {
      const role = builtInRole(lastSegment(assignment.properties.roleDefinitionId));
      return (
        role !== undefined &&
        scopeCovers([assignment.properties.scope], scope) &&
        roleAllowsData(role, dataAction)
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
          : this.#effective(caller.objectId).map((a) => a.properties.scope);
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
