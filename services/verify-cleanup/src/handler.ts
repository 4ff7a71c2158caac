// verify-cleanup: an agent has finished; find out what is left of it. Everything HayMaker and the agent
// create carries the run and agent tags, so one tag query finds the agent's resources and its resource
// group; its identity (an Entra application, not an ARM resource) is looked up by name and its secret in
// the secret store. Anything left → cleanup.required, and force-cleanup deletes it (the identity and
// the secret always). Nothing left → agent.cleaned at once: a redelivery after force-cleanup has
// finished, or an agent whose provisioning never created anything.
import { type CloudControl, RESOURCE_GROUP_TYPE, type TaggedResource } from "@haymaker/cloud-control";
import { deterministicEventId, newEvent } from "@haymaker/cloudevents";
import { type EventOf, MAX_RESOURCES_PER_AGENT } from "@haymaker/contracts";
import type { SecretStore } from "@haymaker/stores";

export const SOURCE = "/haymaker/verify-cleanup";

export interface VerifyCleanupPorts {
  cloud: Pick<CloudControl, "listTagged" | "findIdentity">;
  secrets: Pick<SecretStore, "exists">;
}

/** What the agent left behind, as verify-cleanup saw it. */
export interface Remains {
  /** Tagged resources, the agent's resource group excluded. */
  leftovers: TaggedResource[];
  resourceGroupExists: boolean;
  identityExists: boolean;
  secretExists: boolean;
}

export async function findRemains(
  finished: EventOf<"agent.finished">,
  ports: VerifyCleanupPorts,
): Promise<Remains> {
  const { runId, agentId, resourceGroup, identity, secretRef } = finished.data;
  const [tagged, foundIdentity, secretExists] = await Promise.all([
    ports.cloud.listTagged({ "haymaker-run": runId, "haymaker-agent": agentId }),
    // The name provision gave the identity travels with the event; looking it up again tells whether it
    // still exists.
    ports.cloud.findIdentity(identity.displayName),
    ports.secrets.exists(secretRef),
  ]);
  const isOwnGroup = (resource: TaggedResource) =>
    resource.type.toLowerCase() === RESOURCE_GROUP_TYPE.toLowerCase() &&
    resource.resourceId.split("/").at(-1)?.toLowerCase() === resourceGroup.toLowerCase();
  return {
    leftovers: tagged.filter((resource) => !isOwnGroup(resource)),
    resourceGroupExists: tagged.some(isOwnGroup),
    identityExists: foundIdentity !== undefined,
    secretExists,
  };
}

export function nothingRemains(remains: Remains): boolean {
  return (
    remains.leftovers.length === 0 &&
    !remains.resourceGroupExists &&
    !remains.identityExists &&
    !remains.secretExists
  );
}

export async function verifyCleanup(
  finished: EventOf<"agent.finished">,
  ports: VerifyCleanupPorts,
): Promise<EventOf<"cleanup.required"> | EventOf<"agent.cleaned">> {
  const remains = await findRemains(finished, ports);
  return nothingRemains(remains) ? alreadyCleaned(finished) : cleanupRequired(finished, remains);
}

function cleanupRequired(finished: EventOf<"agent.finished">, remains: Remains): EventOf<"cleanup.required"> {
  const { data } = finished;
  return newEvent("cleanup.required", {
    source: SOURCE,
    id: deterministicEventId(finished.id, "cleanup.required"),
    causationid: finished.id,
    traceparent: finished.traceparent,
    data: {
      runId: data.runId,
      agentId: data.agentId,
      scenarioId: data.scenarioId,
      index: data.index,
      total: data.total,
      resourceGroup: data.resourceGroup,
      identity: data.identity,
      secretRef: data.secretRef,
      runtimeRef: data.runtimeRef,
      ...timelineOf(finished),
      outcome: data.outcome,
      // The contract bounds the list; force-cleanup lists by tag again anyway, so the cut loses nothing.
      leftovers: remains.leftovers
        .slice(0, MAX_RESOURCES_PER_AGENT)
        .map(({ resourceId, type }) => ({ resourceId, type })),
    },
  });
}

/**
 * Nothing of the agent is left, so there is nothing for force-cleanup to do. The event id is the one
 * force-cleanup gives the agent's agent.cleaned (it derives from the run and agent alone), so when this is
 * a redelivery after force-cleanup finished, consumers that remember event ids see a duplicate of the
 * report force-cleanup made — which has the real list of what it deleted — not a second, emptier one.
 */
function alreadyCleaned(finished: EventOf<"agent.finished">): EventOf<"agent.cleaned"> {
  const { data } = finished;
  return newEvent("agent.cleaned", {
    source: SOURCE,
    id: agentCleanedEventId(data.runId, data.agentId),
    causationid: finished.id,
    traceparent: finished.traceparent,
    data: {
      runId: data.runId,
      agentId: data.agentId,
      scenarioId: data.scenarioId,
      index: data.index,
      total: data.total,
      ...timelineOf(finished),
      identity: data.identity,
      resourceGroup: data.resourceGroup,
      outcome: data.outcome,
      deleted: [],
      notDeleted: [],
      // Both are gone: that is what "deleted" tells the report, whoever deleted them.
      identityDeleted: true,
      secretDeleted: true,
    },
  });
}

/** One agent.cleaned per agent, whichever service publishes it (force-cleanup derives it the same way). */
function agentCleanedEventId(runId: string, agentId: string): string {
  return deterministicEventId("agent.cleaned", runId, agentId);
}

function timelineOf(finished: EventOf<"agent.finished">) {
  const { deployedAt, finishedAt, reason } = finished.data;
  return {
    ...(deployedAt === undefined ? {} : { deployedAt }),
    finishedAt,
    ...(reason === undefined ? {} : { reason }),
  };
}
