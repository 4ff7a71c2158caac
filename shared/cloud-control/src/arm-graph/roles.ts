// Role assignments through ARM's authorization API. The assignment name is derived from principal, role
// and scope, so granting twice is one assignment; ARM's RoleAssignmentExists also counts as done.
// The principal is always a service principal created moments ago: principalType says so, which spares
// ARM a directory lookup that a new principal may not pass yet (https://aka.ms/docs-principaltype), and a
// PrincipalNotFound or 403 that still comes is retried for the propagation window before it is believed.
import { createHash } from "node:crypto";
import type { AuthorizationManagementClient } from "@azure/arm-authorization";
import type { RoleAssignment } from "../cloud-control.ts";
import { attempt, toCloudControlError } from "./errors.ts";
import { type PropagationWindow, retryWhilePropagating } from "./propagation.ts";

const notYetPropagated = (error: unknown) => {
  const e = error as { statusCode?: number; code?: string } | null;
  return e?.code === "PrincipalNotFound" || e?.statusCode === 403;
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class RoleGrants {
  readonly #client: AuthorizationManagementClient;
  readonly #subscriptionScope: string;
  /** Built-in role names → definition ids; they never change, so one lookup per process. */
  readonly #definitions = new Map<string, string>();
  readonly #propagation: PropagationWindow;

  constructor(client: AuthorizationManagementClient, subscriptionId: string, propagation: PropagationWindow) {
    this.#client = client;
    this.#subscriptionScope = `/subscriptions/${subscriptionId}`;
    this.#propagation = propagation;
  }

  async assign(servicePrincipalId: string, assignment: RoleAssignment): Promise<void> {
    const roleDefinitionId = await this.#definitionId(assignment.role);
    const name = stableGuid(
      servicePrincipalId,
      roleDefinitionId.toLowerCase(),
      assignment.scope.toLowerCase(),
    );
    try {
      await retryWhilePropagating(
        this.#propagation,
        () =>
          this.#client.roleAssignments.create(assignment.scope, name, {
            roleDefinitionId,
            principalId: servicePrincipalId,
            principalType: "ServicePrincipal",
          }),
        notYetPropagated,
      );
    } catch (error) {
      if ((error as { code?: string }).code === "RoleAssignmentExists") return;
      throw toCloudControlError(`Granting ${assignment.role} at ${assignment.scope}`, error);
    }
  }

  async #definitionId(role: string): Promise<string> {
    if (GUID.test(role)) {
      return `${this.#subscriptionScope}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
    }
    const known = this.#definitions.get(role.toLowerCase());
    if (known !== undefined) return known;
    const found = await attempt(`Looking up role ${role}`, async () => {
      for await (const definition of this.#client.roleDefinitions.list(this.#subscriptionScope, {
        filter: `roleName eq '${role.replaceAll("'", "''")}'`,
      })) {
        if (definition.id !== undefined) return definition.id;
      }
      return undefined;
    });
    if (found === undefined)
      throw toCloudControlError(`Looking up role ${role}`, {
        statusCode: 404,
        code: "RoleDefinitionNotFound",
        message: `No role named '${role}' exists.`,
      });
    this.#definitions.set(role.toLowerCase(), found);
    return found;
  }
}

/** A GUID-shaped name that depends only on its inputs (ARM requires assignment names to be GUIDs). */
export function stableGuid(...parts: string[]): string {
  const hex = createHash("sha256").update(parts.join("\n")).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
