// {scope}/providers/Microsoft.Authorization/roleAssignments[/{name}] with ARM's validation order and
// error codes. ARM looks the principal up in the directory unless principalType is given (the documented
// way to ride out directory replication); with a replication delay (realism), a principal younger than it
// is not found by that lookup. Stricter than Azure in one place: a principal that does not exist at all is
// refused even with principalType (Azure would store an assignment to nobody).
import type { IntendedOperation } from "../arm/intended-operation.ts";
import type { ScopeTarget } from "../arm/path.ts";
import { type ArmResult, armError } from "../arm/result.ts";
import { sameId, scopeCovers, segmentsOf } from "../arm/scope.ts";
import type { Caller } from "../auth/callers.ts";
import type { Principals } from "../auth/principals.ts";
import type { Replication } from "../store/replication-store.ts";
import type { ResourceStore } from "../store/resource-store.ts";
import type { RoleAssignment, RoleAssignmentStore } from "../store/role-assignment-store.ts";
import type { ServicePrincipalStore } from "../store/service-principal-store.ts";
import { builtInRole } from "./built-in-roles.ts";
import { roleDefinitionId } from "./role-definitions.ts";

export interface RoleAssignmentDeps {
  assignments: RoleAssignmentStore;
  servicePrincipals: ServicePrincipalStore;
  replication: Replication;
  resources: ResourceStore;
  /** Bootstrap principals may be assigned roles too, by their object id (bootstrapObjectId). */
  principals: Principals;
  tenantId: string;
}

export interface RoleAssignmentRequest {
  method: string;
  subscriptionId: string;
  scope: string;
  /** The scope as parsed from the path, never re-read from the string. */
  scopeTarget: ScopeTarget;
  name: string;
  body: Record<string, unknown> | undefined;
  caller: Caller;
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const roleDefinitionPattern =
  /^(?:\/subscriptions\/([^/]+))?\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i;

export function handleRoleAssignment(
  deps: RoleAssignmentDeps,
  req: RoleAssignmentRequest,
  op: IntendedOperation,
): ArmResult {
  const fail = (status: number, code: string, message: string) =>
    armError(status, code, message, op.name, op.scope);
  const ok = (status: number, body?: unknown): ArmResult => ({
    status,
    ...(body === undefined ? {} : { body }),
    operationName: op.name,
    resourceId: op.scope,
  });
  const existing = deps.assignments.get(op.scope);

  switch (req.method) {
    case "GET":
      return existing === undefined
        ? fail(404, "RoleAssignmentNotFound", `The role assignment '${req.name}' is not found.`)
        : ok(200, existing);
    case "DELETE":
      if (existing === undefined) return ok(204);
      deps.assignments.delete(existing.id);
      return ok(200, existing);
    case "PUT":
      return createAssignment(deps, req, existing, fail, ok, op);
    default:
      return fail(405, "MethodNotAllowed", `${req.method} is not supported on a role assignment.`);
  }
}

function createAssignment(
  deps: RoleAssignmentDeps,
  req: RoleAssignmentRequest,
  existing: RoleAssignment | undefined,
  fail: (status: number, code: string, message: string) => ArmResult,
  ok: (status: number, body?: unknown) => ArmResult,
  op: IntendedOperation,
): ArmResult {
  if (!guid.test(req.name)) {
    return fail(
      400,
      "InvalidRoleAssignmentId",
      `The role assignment ID '${req.name}' is not valid. The role assignment ID must be a GUID.`,
    );
  }
  const properties = req.body?.properties;
  const props =
    properties !== null && typeof properties === "object" ? (properties as Record<string, unknown>) : {};
  const { roleDefinitionId: definition, principalId, principalType, description } = props;
  if (typeof definition !== "string" || typeof principalId !== "string") {
    return fail(
      400,
      "InvalidRequestContent",
      "The request content was invalid: properties.roleDefinitionId and properties.principalId are required.",
    );
  }
  const match = roleDefinitionPattern.exec(definition);
  const role = match?.[2] === undefined ? undefined : builtInRole(match[2]);
  if (
    match === null ||
    (match[1] !== undefined && match[1].toLowerCase() !== req.subscriptionId.toLowerCase())
  ) {
    return fail(400, "InvalidRoleDefinitionId", `The role definition ID '${definition}' is not valid.`);
  }
  if (role === undefined) {
    return fail(
      400,
      "RoleDefinitionDoesNotExist",
      `The specified role definition with ID '${match[2]}' does not exist.`,
    );
  }
  const principal =
    deps.servicePrincipals.get(principalId) ??
    (deps.principals.bootstrapByObjectId(principalId) === undefined ? undefined : { id: principalId });
  const lookedUp = principalType === undefined;
  if (principal === undefined || (lookedUp && deps.replication.pending("servicePrincipal", principal.id))) {
    return fail(
      400,
      "PrincipalNotFound",
      `Principal ${principalId} does not exist in the directory ${deps.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
    );
  }
  if (principalType !== undefined && principalType !== "ServicePrincipal") {
    return fail(
      400,
      "UnmatchedPrincipalType",
      `The PrincipalId '${principalId}' has type 'ServicePrincipal' , which is different from specified PrincipalType '${String(principalType)}'.`,
    );
  }
  const missingScope = scopeMissing(deps.resources, req.scopeTarget, req.scope);
  if (missingScope !== undefined) return fail(404, missingScope.code, missingScope.message);

  const sameGrant = (a: RoleAssignment) =>
    a.properties.principalId.toLowerCase() === principalId.toLowerCase() &&
    segmentsOf(a.properties.roleDefinitionId).pop()?.toLowerCase() === role.id &&
    sameId(a.properties.scope, req.scope);
  if (existing !== undefined) {
    return sameGrant(existing)
      ? ok(200, existing)
      : fail(
          409,
          "RoleAssignmentUpdateNotPermitted",
          "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
        );
  }
  if (deps.assignments.forPrincipal(principalId).some(sameGrant)) {
    return fail(409, "RoleAssignmentExists", "The role assignment already exists.");
  }
  const now = new Date().toISOString();
  const assignment: RoleAssignment = {
    id: op.scope,
    name: req.name,
    type: "Microsoft.Authorization/roleAssignments",
    properties: {
      roleDefinitionId: roleDefinitionId(role.id, req.subscriptionId),
      principalId: principalId.toLowerCase(),
      principalType: "ServicePrincipal",
      scope: req.scope,
      condition: null,
      conditionVersion: null,
      description: typeof description === "string" ? description : null,
      delegatedManagedIdentityResourceId: null,
      createdOn: now,
      updatedOn: now,
      createdBy: req.caller.objectId ?? null,
      updatedBy: req.caller.objectId ?? null,
    },
  };
  deps.assignments.put(assignment);
  return ok(201, assignment);
}

/** ARM refuses assignments at a group or resource that does not exist. */
function scopeMissing(
  resources: ResourceStore,
  target: ScopeTarget,
  scope: string,
): { code: string; message: string } | undefined {
  if (target.kind === "resourceGroup" && resources.getGroup(scope) === undefined) {
    return { code: "ResourceGroupNotFound", message: `Resource group '${target.group}' could not be found.` };
  }
  if (target.kind === "resource" && resources.get(scope) === undefined) {
    return { code: "ResourceNotFound", message: `The Resource '${scope}' was not found.` };
  }
  return undefined;
}

/**
 * Lists assignments at, above or below the scope; `atScope()` keeps those at or above, and
 * `principalId eq '…'` / `assignedTo('…')` keep one principal's. `visible` hides what the caller may
 * not read.
 */
export function listRoleAssignments(
  assignments: RoleAssignmentStore,
  scope: string,
  filter: string | undefined,
  visible: (assignment: RoleAssignment) => boolean,
  op: IntendedOperation,
): ArmResult {
  let atOrAbove = false;
  let principal: string | undefined;
  for (const clause of (filter ?? "")
    .split(/\s+and\s+/i)
    .map((c) => c.trim())
    .filter((c) => c !== "")) {
    const byPrincipal =
      /^principalId\s+eq\s+'([^']*)'$/i.exec(clause) ?? /^assignedTo\('([^']*)'\)$/i.exec(clause);
    if (/^atScope\(\)$/i.test(clause)) atOrAbove = true;
    else if (byPrincipal?.[1] !== undefined) principal = byPrincipal[1].toLowerCase();
    else return armError(400, "BadRequest", `The filter '${clause}' is not supported.`, op.name, op.scope);
  }
  const value = assignments.all().filter((a) => {
    const above = scopeCovers([a.properties.scope], scope);
    const below = scopeCovers([scope], a.properties.scope);
    return (
      (above || (!atOrAbove && below)) &&
      (principal === undefined || a.properties.principalId === principal) &&
      visible(a)
    );
  });
  return { status: 200, body: { value }, operationName: op.name, resourceId: op.scope };
}
