// Generic resources of any type, addressed by id. The body is stored as sent, with provisioningState
// stamped Succeeded. What is provider-specific sits in small tables beside this file: the children Azure
// creates by itself (implicit-children.ts) and the shape of a create's answer (create-responses.ts).
import type { ArmResource, ResourceStore } from "../store/resource-store.ts";
import { createdResponse } from "./create-responses.ts";
import { isImplicitChild } from "./implicit-children.ts";
import { groupId, resourceIdOf, resourceTypeOf } from "./path.ts";
import { stringRecord } from "./resource-groups.ts";
import { findResource, missingAncestor } from "./resource-lookup.ts";
import { type ArmResult, armError } from "./result.ts";
import { resourceFilter } from "./tag-filter.ts";

export interface ResourceRequest {
  method: string;
  subscriptionId: string;
  group: string;
  namespace: string;
  chain: [string, string][];
  action?: string;
  body: Record<string, unknown> | undefined;
  baseUrl: string;
  newOperationId: (resultResourceId?: string) => string;
}

// Top-level fields ARM keeps beside properties; anything else in a PUT body is dropped as in Azure.
const envelopeFields = ["kind", "sku", "identity", "plan", "zones", "extendedLocation", "managedBy"];

export function handleResource(store: ResourceStore, req: ResourceRequest): ArmResult {
  const id = resourceIdOf(req.subscriptionId, req.group, req.namespace, req.chain);
  const type = resourceTypeOf(req.namespace, req.chain);
  const name = req.chain[req.chain.length - 1]?.[1] ?? "";
  const existing = findResource(store, req);
  // Proxy resources Azure makes by itself carry no tags, so a cleanup by tag never lists them.
  const implicit = isImplicitChild(type, name);
  const notFound = (operation: string) =>
    armError(
      404,
      "ResourceNotFound",
      `The Resource '${type}/${name}' under resource group '${req.group}' was not found.`,
      operation,
      id,
    );

  if (req.action !== undefined) {
    const operationName = `${type}/${req.action}/action`;
    if (req.method !== "POST") {
      return armError(
        405,
        "MethodNotAllowed",
        `${req.method} is not supported on '${req.action}'.`,
        operationName,
        id,
      );
    }
    if (existing === undefined) return notFound(operationName);
    return { status: 200, body: {}, operationName, resourceId: id };
  }

  switch (req.method) {
    case "GET":
    case "HEAD":
      if (existing === undefined) return notFound(`${type}/read`);
      return req.method === "HEAD"
        ? { status: 204, operationName: `${type}/read`, resourceId: id }
        : { status: 200, body: existing, operationName: `${type}/read`, resourceId: id };
    case "PUT": {
      const gid = groupId(req.subscriptionId, req.group);
      if (store.getGroup(gid) === undefined) {
        return armError(
          404,
          "ResourceGroupNotFound",
          `Resource group '${req.group}' could not be found.`,
          `${type}/write`,
          id,
        );
      }
      const missingParent = missingAncestor(store, req, req.chain.length - 1);
      if (missingParent !== undefined) {
        return armError(
          404,
          "ParentResourceNotFound",
          `Can not perform requested operation on nested resource. Parent resource '${missingParent}' not found.`,
          `${type}/write`,
          id,
        );
      }
      const body = req.body ?? {};
      const resource: ArmResource = {
        id: existing?.id ?? id,
        name: existing?.name ?? name,
        type: existing?.type ?? type,
        ...(typeof body.location === "string" ? { location: body.location } : {}),
        ...(body.tags !== undefined && !implicit ? { tags: stringRecord(body.tags) ?? {} } : {}),
        ...pick(body, envelopeFields),
        properties: { ...objectOrEmpty(body.properties), provisioningState: "Succeeded" },
      };
      store.put(gid, resource);
      if (existing !== undefined)
        return { status: 200, body: resource, operationName: `${type}/write`, resourceId: id };
      return createdResponse(resource, req);
    }
    case "PATCH": {
      if (existing === undefined) return notFound(`${type}/write`);
      const body = req.body ?? {};
      const merged: ArmResource = {
        ...existing,
        ...pick(body, envelopeFields),
        ...(implicit ? {} : { tags: { ...existing.tags, ...stringRecord(body.tags) } }),
        properties: {
          ...(mergePatch(existing.properties, objectOrEmpty(body.properties)) as Record<string, unknown>),
          provisioningState: "Succeeded",
        },
      };
      store.put(groupId(req.subscriptionId, req.group), merged);
      return { status: 200, body: merged, operationName: `${type}/write`, resourceId: id };
    }
    case "DELETE": {
      const existed = store.deleteTree(id);
      return { status: existed ? 200 : 204, operationName: `${type}/delete`, resourceId: id };
    }
    default:
      return armError(405, "MethodNotAllowed", `${req.method} is not supported on a resource.`, type, id);
  }
}

export function listResources(
  store: ResourceStore,
  scope: string,
  operationName: string,
  filter: string | undefined,
  visible: (resource: ArmResource) => boolean,
): ArmResult {
  const match = resourceFilter(filter);
  if (typeof match === "string")
    return armError(400, "InvalidFilterInQueryString", match, operationName, scope);
  return {
    status: 200,
    body: { value: store.listUnder(scope).filter((r) => match(r) && visible(r)) },
    operationName,
    resourceId: scope,
  };
}

/** RFC 7396 JSON merge patch: objects merge recursively, null deletes, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> = { ...objectOrEmpty(target) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function objectOrEmpty(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function pick(body: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => body[f] !== undefined).map((f) => [f, body[f]]));
}
