// GET /subscriptions/{s}/providers[/{namespace}] and POST …/{namespace}/register|unregister, in ARM's
// Provider shape. A namespace exists once something of it was created or it was registered; any other
// namespace is unknown, as a misspelt one is in Azure.
import type { ProviderRecord, ProviderStore } from "../store/provider-store.ts";
import type { IntendedOperation } from "./intended-operation.ts";
import { type ArmResult, armError } from "./result.ts";

export function handleProvider(
  store: ProviderStore,
  target: { subscriptionId: string; namespace: string; action?: string },
  method: string,
  op: IntendedOperation,
): ArmResult {
  const resourceId = `/subscriptions/${target.subscriptionId}/providers/${target.namespace}`;
  if (target.action !== undefined) {
    if (method !== "POST")
      return armError(405, "MethodNotAllowed", `${method} is not supported here.`, op.name, resourceId);
    // Registration always succeeds at once; unregistering is accepted and changes nothing the sandbox serves.
    store.register(target.namespace);
  } else if (method !== "GET") {
    return armError(
      405,
      "MethodNotAllowed",
      `${method} is not supported on a provider.`,
      op.name,
      resourceId,
    );
  }
  const provider = store.get(target.namespace);
  if (provider === undefined) {
    return armError(
      404,
      "InvalidResourceNamespace",
      `The resource namespace '${target.namespace}' is invalid.`,
      op.name,
      resourceId,
    );
  }
  return {
    status: 200,
    body: providerBody(target.subscriptionId, provider),
    operationName: op.name,
    resourceId,
  };
}

export function listProviders(
  store: ProviderStore,
  subscriptionId: string,
  op: IntendedOperation,
): ArmResult {
  return {
    status: 200,
    body: { value: store.list().map((p) => providerBody(subscriptionId, p)) },
    operationName: op.name,
    resourceId: op.scope,
  };
}

function providerBody(subscriptionId: string, provider: ProviderRecord): Record<string, unknown> {
  return {
    id: `/subscriptions/${subscriptionId}/providers/${provider.namespace}`,
    namespace: provider.namespace,
    registrationState: "Registered",
    registrationPolicy: "RegistrationRequired",
    resourceTypes: provider.resourceTypes.map((t) => ({
      resourceType: t.resourceType,
      locations: t.locations,
      apiVersions: t.apiVersions,
      defaultApiVersion: t.apiVersions[0],
      capabilities: "None",
    })),
  };
}
