// The identities projection: the Entra identity provisioned for each agent, its role assignments, and
// whether cleanup deleted it and its secret. Only the secret's reference is kept, never a secret.
import type { EventOf } from "@haymaker/contracts";
import type { IdentityRecord } from "../records.ts";
import { earliest, instant, isNewer, latest, mergeFields } from "./merge.ts";

export type IdentityEvent = EventOf<
  | "identity.provisioned"
  | "agent.deployed"
  | "agent.check"
  | "agent.finished"
  | "cleanup.required"
  | "agent.cleaned"
>;

export function applyIdentityEvent(
  current: IdentityRecord | undefined,
  event: IdentityEvent,
): IdentityRecord {
  const at = instant(event.time);
  const { runId, agentId, scenarioId, identity, resourceGroup } = event.data;
  const before: IdentityRecord = current ?? {
    runId,
    agentId,
    scenarioId,
    identityDeleted: false,
    secretDeleted: false,
    updatedAt: at,
  };
  const { displayName, appId, objectId, servicePrincipalId, tenantId } = identity;
  const fields: Partial<IdentityRecord> = {
    displayName,
    appId,
    objectId,
    servicePrincipalId,
    tenantId,
    resourceGroup,
  };
  if ("secretRef" in event.data) fields.secretRef = event.data.secretRef;
  if (event.type === "com.haymaker.identity.provisioned.v1") fields.roles = event.data.roles;
  const next = mergeFields(before, fields, isNewer(at, current?.updatedAt));
  next.updatedAt = latest(before.updatedAt, at) as string;
  if (event.type === "com.haymaker.identity.provisioned.v1") next.createdAt = earliest(before.createdAt, at);
  if (event.type === "com.haymaker.agent.cleaned.v1") {
    // Once deleted, always deleted: a later cleanup that finds nothing to delete does not bring it back.
    next.identityDeleted = before.identityDeleted || event.data.identityDeleted;
    next.secretDeleted = before.secretDeleted || event.data.secretDeleted;
    if (event.data.identityDeleted) next.deletedAt = earliest(before.deletedAt, at);
  }
  return next;
}
