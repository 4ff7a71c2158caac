// How a resource provider answers the PUT that creates a resource. ARM leaves the shape of a long-running
// create to each provider, and callers see it: a scenario may expect Storage's 202, and the SDK's poller
// takes a different path for each shape. The sandbox finishes every create at once but answers in the
// provider's shape:
// - most providers: 201 Created with the resource and an Azure-AsyncOperation status URL;
// - Microsoft.Storage/storageAccounts: 202 Accepted, no body, and a Location that answers 200 with the
//   account (Storage's own poll URL lives under …/providers/Microsoft.Storage/locations/…; the sandbox's
//   operation results serve the same purpose).
import type { ArmResource } from "../store/resource-store.ts";
import type { ArmResult } from "./result.ts";

export interface CreateContext {
  subscriptionId: string;
  baseUrl: string;
  /** Records a finished operation; a resource id makes its result answer with that resource. */
  newOperationId: (resultResourceId?: string) => string;
}

const acceptedWithLocation = new Set(["microsoft.storage/storageaccounts"]);

export function createdResponse(resource: ArmResource, ctx: CreateContext): ArmResult {
  const operationName = `${resource.type}/write`;
  const operations = `${ctx.baseUrl}/subscriptions/${ctx.subscriptionId}`;
  // Zero keeps the SDK poller from sleeping its default interval in tests and local runs.
  if (acceptedWithLocation.has(resource.type.toLowerCase())) {
    return {
      status: 202,
      headers: {
        location: `${operations}/operationresults/${ctx.newOperationId(resource.id)}?api-version=2021-04-01`,
        "retry-after": "0",
      },
      operationName,
      resourceId: resource.id,
    };
  }
  return {
    status: 201,
    body: resource,
    headers: {
      "azure-asyncoperation": `${operations}/providers/Microsoft.Resources/asyncOperations/${ctx.newOperationId()}?api-version=2021-04-01`,
      "retry-after": "0",
    },
    operationName,
    resourceId: resource.id,
  };
}
