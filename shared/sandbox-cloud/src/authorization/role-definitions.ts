// GET {scope}/providers/Microsoft.Authorization/roleDefinitions[/{id}]: the built-in catalogue in ARM's
// shape. ARM answers with subscription-form ids when asked inside a subscription, tenant-form otherwise.
import { parseFilter } from "../arm/filter.ts";
import type { IntendedOperation } from "../arm/intended-operation.ts";
import { type ArmResult, armError } from "../arm/result.ts";
import { type BuiltInRole, builtInRole, builtInRoles } from "./built-in-roles.ts";

export function roleDefinitionId(roleId: string, subscriptionId: string | undefined): string {
  const prefix = subscriptionId === undefined ? "" : `/subscriptions/${subscriptionId}`;
  return `${prefix}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}

export function roleDefinitionBody(
  role: BuiltInRole,
  subscriptionId: string | undefined,
): Record<string, unknown> {
  return {
    id: roleDefinitionId(role.id, subscriptionId),
    name: role.id,
    type: "Microsoft.Authorization/roleDefinitions",
    properties: {
      roleName: role.roleName,
      type: "BuiltInRole",
      description: role.description,
      assignableScopes: ["/"],
      permissions: [
        {
          actions: role.actions,
          notActions: role.notActions,
          dataActions: role.dataActions,
          notDataActions: role.notDataActions,
        },
      ],
      createdOn: "2015-02-02T21:55:09.8806423Z",
      updatedOn: "2024-04-25T00:00:00.0000000Z",
      createdBy: null,
      updatedBy: null,
    },
  };
}

export function getRoleDefinition(
  target: { subscriptionId?: string; roleId: string },
  method: string,
  op: IntendedOperation,
): ArmResult {
  if (method !== "GET")
    return armError(405, "MethodNotAllowed", "Only built-in roles exist here.", op.name, op.scope);
  const role = builtInRole(target.roleId);
  if (role === undefined) {
    return armError(
      404,
      "RoleDefinitionDoesNotExist",
      `The specified role definition with ID '${target.roleId}' does not exist.`,
      op.name,
      op.scope,
    );
  }
  return {
    status: 200,
    body: roleDefinitionBody(role, target.subscriptionId),
    operationName: op.name,
    resourceId: op.scope,
  };
}

export function listRoleDefinitions(
  target: { subscriptionId?: string },
  filter: string | undefined,
  op: IntendedOperation,
): ArmResult {
  const clauses = parseFilter(filter);
  if (typeof clauses === "string") return armError(400, "BadRequest", clauses, op.name, op.scope);
  let roles = [...builtInRoles];
  for (const { field, op: operator, value } of clauses) {
    if (operator !== "eq")
      return armError(400, "BadRequest", `Only eq is supported on ${field}.`, op.name, op.scope);
    if (field === "rolename") roles = roles.filter((r) => r.roleName.toLowerCase() === value.toLowerCase());
    else if (field === "type") roles = value === "BuiltInRole" ? roles : [];
    else return armError(400, "BadRequest", `The filter on '${field}' is not supported.`, op.name, op.scope);
  }
  return {
    status: 200,
    body: { value: roles.map((r) => roleDefinitionBody(r, target.subscriptionId)) },
    operationName: op.name,
    resourceId: op.scope,
  };
}
