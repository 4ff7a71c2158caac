// GET /subscriptions and /subscriptions/{id}: the one subscription the sandbox serves, in ARM's shape.
// Lets a caller check its credential and learn the tenant the same way it would against Azure.
import type { SandboxIdentity } from "../store/sandbox-identity.ts";
import type { IntendedOperation } from "./intended-operation.ts";
import type { ArmResult } from "./result.ts";

export function subscriptionBody(identity: SandboxIdentity): Record<string, unknown> {
  return {
    id: `/subscriptions/${identity.subscriptionId}`,
    subscriptionId: identity.subscriptionId,
    tenantId: identity.tenantId,
    displayName: "HayMaker sandbox",
    state: "Enabled",
    subscriptionPolicies: {
      locationPlacementId: "Public_2014-09-01",
      quotaId: "PayAsYouGo_2014-09-01",
      spendingLimit: "Off",
    },
    authorizationSource: "RoleBased",
    managedByTenants: [],
  };
}

export function getSubscription(identity: SandboxIdentity, op: IntendedOperation): ArmResult {
  return { status: 200, body: subscriptionBody(identity), operationName: op.name, resourceId: op.scope };
}

/** Lists the subscription only to callers holding some grant in it, as ARM lists what you can see. */
export function listSubscriptions(
  identity: SandboxIdentity,
  visible: boolean,
  op: IntendedOperation,
): ArmResult {
  return {
    status: 200,
    body: { value: visible ? [subscriptionBody(identity)] : [] },
    operationName: op.name,
    resourceId: `/subscriptions/${identity.subscriptionId}`,
  };
}
