// Microsoft.ManagedIdentity/userAssignedIdentities: an ARM resource whose creation also makes a principal in
// the directory, as Azure does. The principal (a service principal of type ManagedIdentity, object id =
// properties.principalId, client id = properties.clientId) is what role assignments name and what the job
// identity endpoint (token-endpoint.ts) issues tokens for; deleting the identity, or the group it lives in,
// deletes it, so its tokens stop working at once. Sources: learn.microsoft.com/rest/api/managedidentity
// (UserAssignedIdentities - Create Or Update: tenantId, principalId, clientId are read-only outputs);
// learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules (Microsoft.ManagedIdentity:
// 3-128 characters, alphanumerics, hyphens and underscores, starting with a letter or number).
import { randomUUID } from "node:crypto";
import type { ArmDeps } from "../arm/arm-deps.ts";
import { resourceIdOf } from "../arm/path.ts";
import { handleResource, type ResourceRequest } from "../arm/resources.ts";
import { type ArmResult, armError } from "../arm/result.ts";
import { scopeCovers } from "../arm/scope.ts";

export const USER_ASSIGNED_IDENTITY_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities";

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/;

/** What a job needs of an identity it runs with. */
export interface ManagedIdentityRef {
  resourceId: string;
  clientId: string;
  principalId: string;
}

export function isUserAssignedIdentity(req: Pick<ResourceRequest, "namespace" | "chain">): boolean {
  return (
    req.namespace.toLowerCase() === "microsoft.managedidentity" &&
    req.chain.length === 1 &&
    req.chain[0]?.[0].toLowerCase() === "userassignedidentities"
  );
}

export function handleUserAssignedIdentity(
  deps: Pick<ArmDeps, "resources" | "servicePrincipals" | "identity" | "replication">,
  req: ResourceRequest,
): ArmResult {
  if (req.method !== "PUT" || req.action !== undefined) return handleResource(deps.resources, req);
  const id = resourceIdOf(req.subscriptionId, req.group, req.namespace, req.chain);
  const name = req.chain[0]?.[1] ?? "";
  const operation = `${USER_ASSIGNED_IDENTITY_TYPE}/write`;
  if (!NAME.test(name)) {
    return armError(
      400,
      "InvalidResourceName",
      `The resource name '${name}' is invalid. A user-assigned identity's name is 3-128 letters, digits, hyphens or underscores, starting with a letter or digit.`,
      operation,
      id,
    );
  }
  if (typeof req.body?.location !== "string" || req.body.location === "") {
    return armError(
      400,
      "LocationRequired",
      "The location property is required for this definition.",
      operation,
      id,
    );
  }
  // The ids are the directory's, fixed at creation: a second PUT keeps them whatever the body says.
  const existing = deps.resources.get(id);
  const known = existing === undefined ? undefined : identityOf(existing.properties);
  const ids = known ?? {
    tenantId: deps.identity.tenantId,
    principalId: randomUUID(),
    clientId: randomUUID(),
  };
  const result = handleResource(deps.resources, {
    ...req,
    body: { ...req.body, properties: { ...objectOf(req.body?.properties), ...ids } },
  });
  if (result.status < 300 && deps.servicePrincipals.get(ids.principalId) === undefined) {
    deps.servicePrincipals.createManagedIdentity({
      principalId: ids.principalId,
      clientId: ids.clientId,
      displayName: name,
      resourceId: existing?.id ?? id,
    });
    // A new identity's principal replicates like any other (realism.replicationDelayMs): a role assignment
    // naming it without principalType answers PrincipalNotFound until it has.
    deps.replication.written("servicePrincipal", ids.principalId);
  }
  return result;
}

/** The identity behind an ARM id, if it exists. */
export function findUserAssignedIdentity(
  deps: Pick<ArmDeps, "resources">,
  resourceId: string,
): ManagedIdentityRef | undefined {
  const resource = deps.resources.get(resourceId);
  if (resource === undefined || resource.type.toLowerCase() !== USER_ASSIGNED_IDENTITY_TYPE.toLowerCase()) {
    return undefined;
  }
  const ids = identityOf(resource.properties);
  return ids === undefined ? undefined : { resourceId: resource.id, ...ids };
}

/** After a delete at `scope`: the principals of the identities that went with it go too. */
export function deleteIdentityPrincipalsUnder(deps: Pick<ArmDeps, "servicePrincipals">, scope: string): void {
  for (const sp of deps.servicePrincipals.list()) {
    const resourceId = sp.alternativeNames?.[1];
    if (sp.servicePrincipalType === "ManagedIdentity" && resourceId && scopeCovers([scope], resourceId)) {
      deps.servicePrincipals.delete(sp.id);
    }
  }
}

function identityOf(
  properties: Record<string, unknown>,
): { tenantId: string; principalId: string; clientId: string } | undefined {
  const { tenantId, principalId, clientId } = properties;
  return typeof tenantId === "string" && typeof principalId === "string" && typeof clientId === "string"
    ? { tenantId, principalId, clientId }
    : undefined;
}

function objectOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
