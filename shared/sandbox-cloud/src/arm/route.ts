// Routes an authenticated, authorized ARM request to its handler, then applies what ARM does around the
// resource provider: remembering the api-versions types were created with, and removing role
// assignments scoped to a deleted group or resource.
import { randomUUID } from "node:crypto";
import type { Caller } from "../auth/callers.ts";
import { handleRoleAssignment, listRoleAssignments } from "../authorization/role-assignments.ts";
import { getRoleDefinition, listRoleDefinitions } from "../authorization/role-definitions.ts";
import { handleVaultResource, isVaultRequest } from "../key-vault/vault-resource.ts";
import type { ActivityFilter } from "./activity-filter.ts";
import { listActivity } from "./activity-log.ts";
import type { ArmDeps } from "./arm-deps.ts";
import { listChildResources } from "./child-resources.ts";
import type { IntendedOperation } from "./intended-operation.ts";
import type { ArmTarget } from "./path.ts";
import { afterProviderDelete, routeProviderRequest } from "./provider-routes.ts";
import { handleProvider, listProviders } from "./providers.ts";
import { handleResourceGroup, listResourceGroups } from "./resource-groups.ts";
import { handleResource, listResources } from "./resources.ts";
import { type ArmResult, armError } from "./result.ts";
import { getSubscription, listSubscriptions } from "./subscriptions.ts";
import { withTagsOmitted } from "./tag-omission.ts";

/** "all": the caller may read everything the call returns; "readable": filter to what it may read. */
export type Visibility = "all" | "readable";

/** A target the front door accepted; an Activity Log read carries the filter it was authorized for. */
export type RoutedTarget =
  | Exclude<ArmTarget, { kind: "unknown" | "invalidUri" | "activityLog" }>
  | (Extract<ArmTarget, { kind: "activityLog" }> & { filter: ActivityFilter });

export interface ArmRequest {
  target: RoutedTarget;
  method: string;
  url: URL;
  body: Record<string, unknown> | undefined;
  caller: Caller;
  intended: IntendedOperation;
  visibility: Visibility;
}

export async function routeArmRequest(deps: ArmDeps, req: ArmRequest): Promise<ArmResult> {
  // A few providers answer only once something has started (a vault's data plane listening): async.
  const result = await route(deps, req);
  const apiVersion = req.url.searchParams.get("api-version") ?? "";
  const { target } = req;
  if (req.method === "PUT" && result.status >= 200 && result.status <= 202) {
    if (target.kind === "resource") {
      const location = req.body?.location;
      deps.providers.recordType(
        target.namespace,
        target.chain.map(([type]) => type).join("/"),
        apiVersion,
        typeof location === "string" ? location : undefined,
      );
    } else if (target.kind === "resourceGroup") {
      const location = req.body?.location;
      deps.providers.recordType(
        "Microsoft.Resources",
        "resourceGroups",
        apiVersion,
        typeof location === "string" ? location : undefined,
      );
    } else if (target.kind === "roleAssignment") {
      deps.providers.recordType("Microsoft.Authorization", "roleAssignments", apiVersion);
    }
  }
  if (req.method === "DELETE" && (target.kind === "resourceGroup" || target.kind === "resource")) {
    if (result.status === 200 || result.status === 202) {
      deps.assignments.deleteUnder(req.intended.scope);
      afterProviderDelete(deps, req.intended.scope);
    }
    // A deleted group takes its vaults with it: they stop being served, and their secrets are gone.
    await deps.keyVaults.forgetDeleted();
  }
  return result;
}

function route(deps: ArmDeps, req: ArmRequest): ArmResult | Promise<ArmResult> {
  const { target, method, url, body, caller, intended } = req;
  const filter = url.searchParams.get("$filter") ?? undefined;
  const baseUrl = deps.baseUrl();
  const notAllowed = () =>
    armError(405, "MethodNotAllowed", `${method} is not supported here.`, intended.name, intended.scope);
  const readable = (action: string, id: string) =>
    req.visibility === "all" || deps.authorizer.allows(caller, action, id);
  const newOperationId = (resultResourceId?: string) => {
    const id = randomUUID();
    deps.db
      .prepare("INSERT INTO operations (id, status, resource_id) VALUES (?, 'Succeeded', ?)")
      .run(id, resultResourceId ?? null);
    return id;
  };
  const provider = routeProviderRequest(deps, req, {
    subscriptionId: deps.identity.subscriptionId,
    baseUrl,
    newOperationId,
  });
  if (provider !== undefined) return provider;

  switch (target.kind) {
    case "subscriptions":
      return method === "GET"
        ? listSubscriptions(
            deps.identity,
            deps.authorizer.hasGrantWithin(caller, `/subscriptions/${deps.identity.subscriptionId}`),
            intended,
          )
        : notAllowed();
    case "subscription":
      return method === "GET" ? getSubscription(deps.identity, intended) : notAllowed();
    case "providers":
      return method === "GET" ? listProviders(deps.providers, target.subscriptionId, intended) : notAllowed();
    case "provider":
      return handleProvider(deps.providers, target, method, intended);
    case "resourceGroups":
      return method === "GET"
        ? withTagsOmitted(
            listResourceGroups(deps.resources, target.subscriptionId, filter, (g) =>
              readable("Microsoft.Resources/subscriptions/resourceGroups/read", g.id),
            ),
            filter,
            deps.realism.tagFilteredListsOmitTags,
          )
        : notAllowed();
    case "resourceGroup":
      return handleResourceGroup(deps.resources, { method, ...target, body, baseUrl, newOperationId });
    case "subscriptionResources":
    case "groupResources": {
      if (method !== "GET") return notAllowed();
      if (target.kind === "groupResources" && !deps.resources.getGroup(intended.scope)) {
        return armError(
          404,
          "ResourceGroupNotFound",
          `Resource group '${target.group}' could not be found.`,
          intended.name,
          intended.scope,
        );
      }
      return withTagsOmitted(
        listResources(deps.resources, intended.scope, intended.name, filter, (r) =>
          readable(`${r.type}/read`, r.id),
        ),
        filter,
        deps.realism.tagFilteredListsOmitTags,
      );
    }
    case "childResources":
      return method === "GET"
        ? listChildResources(deps.resources, target, (r) => readable(`${r.type}/read`, r.id), intended)
        : notAllowed();
    case "resource": {
      const resource = { method, ...target, body, baseUrl, newOperationId };
      return isVaultRequest(target)
        ? handleVaultResource({ ...deps, tenantId: deps.identity.tenantId }, resource)
        : handleResource(deps.resources, resource);
    }
    case "roleAssignment":
      return handleRoleAssignment(
        {
          assignments: deps.assignments,
          servicePrincipals: deps.servicePrincipals,
          replication: deps.replication,
          resources: deps.resources,
          principals: deps.principals,
          tenantId: deps.identity.tenantId,
        },
        { method, ...target, body, caller },
        intended,
      );
    case "roleAssignments":
      return method === "GET"
        ? listRoleAssignments(
            deps.assignments,
            target.scope,
            filter,
            (a) => readable(intended.name, a.id),
            intended,
          )
        : notAllowed();
    case "roleDefinition":
      return getRoleDefinition(target, method, intended);
    case "roleDefinitions":
      return method === "GET" ? listRoleDefinitions(target, filter, intended) : notAllowed();
    case "activityLog":
      return method === "GET"
        ? listActivity(deps.activity, target.subscriptionId, target.filter, url, baseUrl)
        : notAllowed();
    case "operationStatus":
    case "operationResult": {
      const known = deps.db
        .prepare("SELECT status, resource_id FROM operations WHERE id = ?")
        .get(target.operationId) as { status: string; resource_id: string | null } | undefined;
      if (known === undefined) {
        return armError(
          404,
          "OperationNotFound",
          `Operation '${target.operationId}' not found.`,
          intended.name,
          intended.scope,
        );
      }
      // The SDK checks poll responses against the initial call's expected statuses (200/202 for a group
      // delete), so a finished operation answers 200, not 204. A create answered with 202 + Location
      // (create-responses.ts) ends with the resource itself, which the poller returns as its result.
      const created = known.resource_id === null ? undefined : deps.resources.get(known.resource_id);
      return target.kind === "operationResult"
        ? {
            status: 200,
            ...(created === undefined ? {} : { body: created }),
            operationName: intended.name,
            resourceId: intended.scope,
          }
        : {
            status: 200,
            body: { id: target.operationId, name: target.operationId, status: "Succeeded" },
            operationName: intended.name,
            resourceId: intended.scope,
          };
    }
  }
}
