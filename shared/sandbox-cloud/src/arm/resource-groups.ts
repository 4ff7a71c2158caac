// Resource group CRUD. DELETE is long-running as in Azure: 202 with a Location the SDK poller follows.
// The group is gone at once; the operation result just confirms it.
import type { ArmResource, ResourceStore } from "../store/resource-store.ts";
import { groupId } from "./path.ts";
import { type ArmResult, armError } from "./result.ts";
import { resourceFilter } from "./tag-filter.ts";

const op = "Microsoft.Resources/subscriptions/resourceGroups";

export interface GroupRequest {
  method: string;
  subscriptionId: string;
  group: string;
  body: Record<string, unknown> | undefined;
  baseUrl: string;
  newOperationId: () => string;
}

export function handleResourceGroup(store: ResourceStore, req: GroupRequest): ArmResult {
  const id = groupId(req.subscriptionId, req.group);
  const existing = store.getGroup(id);
  const notFound = (name: string) =>
    armError(404, "ResourceGroupNotFound", `Resource group '${req.group}' could not be found.`, name, id);

  switch (req.method) {
    case "GET":
    case "HEAD":
      if (existing === undefined) return notFound(`${op}/read`);
      return req.method === "HEAD"
        ? { status: 204, operationName: `${op}/read`, resourceId: id }
        : { status: 200, body: existing, operationName: `${op}/read`, resourceId: id };
    case "PUT": {
      const location = req.body?.location;
      if (typeof location !== "string" || location === "") {
        return armError(
          400,
          "LocationRequired",
          "The location property is required for this definition.",
          `${op}/write`,
          id,
        );
      }
      const group: ArmResource = {
        id: existing?.id ?? id,
        name: existing?.name ?? req.group,
        type: "Microsoft.Resources/resourceGroups",
        location,
        tags: stringRecord(req.body?.tags),
        properties: { provisioningState: "Succeeded" },
      };
      store.putGroup(group);
      return { status: existing ? 200 : 201, body: group, operationName: `${op}/write`, resourceId: id };
    }
    case "PATCH": {
      if (existing === undefined) return notFound(`${op}/write`);
      const tags = req.body?.tags === undefined ? existing.tags : stringRecord(req.body.tags);
      const group: ArmResource = { ...existing, tags: tags ?? {} };
      store.putGroup(group);
      return { status: 200, body: group, operationName: `${op}/write`, resourceId: id };
    }
    case "DELETE": {
      if (existing === undefined) return notFound(`${op}/delete`);
      store.deleteGroup(id);
      const operationId = req.newOperationId();
      return {
        status: 202,
        headers: {
          location: `${req.baseUrl}/subscriptions/${req.subscriptionId}/operationresults/${operationId}?api-version=2021-04-01`,
          // Zero keeps the SDK poller from sleeping its default interval in tests and local runs.
          "retry-after": "0",
        },
        operationName: `${op}/delete`,
        resourceId: id,
      };
    }
    default:
      return armError(405, "MethodNotAllowed", `${req.method} is not supported on a resource group.`, op, id);
  }
}

export function listResourceGroups(
  store: ResourceStore,
  subscriptionId: string,
  filter: string | undefined,
  visible: (group: ArmResource) => boolean,
): ArmResult {
  const scope = `/subscriptions/${subscriptionId}`;
  const match = resourceFilter(filter);
  if (typeof match === "string") {
    return armError(400, "InvalidFilterInQueryString", match, `${op}/read`, scope);
  }
  return {
    status: 200,
    body: { value: store.listGroups(subscriptionId).filter((g) => match(g) && visible(g)) },
    operationName: `${op}/read`,
    resourceId: scope,
  };
}

export function stringRecord(value: unknown): Record<string, string> | undefined {
  if (value === null || typeof value !== "object") return undefined;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}
