// An operator's cleanup in the projections. Its own record (requested → completed, with what it did) is
// kept under the cleanup's id, outside every run: a scenario's cleanup spans runs. Each agent it reports on
// is settled as agent.cleaned settles one: every known resource of the agent that is not reported left is
// deleted, and its identity and secret are deleted once reported gone. The agent's stage does not move: an
// operator's cleanup is not a step of its run.
import type { CleanedAgent, EventOf } from "@haymaker/contracts";
import type { CleanupRecord, IdentityRecord } from "../records.ts";
import { earliest, instant, latest, mergeFields, withoutUndefined } from "./merge.ts";
import { cleanupVerdicts, withResourceCounts } from "./project-event.ts";
import type { ProjectionReads, ProjectionWrites } from "./read-plan.ts";
import { resourceRecordId } from "./resource-ids.ts";
import { newResource, reportResource } from "./resources.ts";

export type CleanupEvent = EventOf<"cleanup.requested" | "cleanup.completed">;

/** Where a cleanup's record lives: ":" never appears in a run id, so no run shares it. */
export function cleanupPartition(cleanupId: string): string {
  return `cleanup:${cleanupId}`;
}

export function applyCleanupEvent(current: CleanupRecord | undefined, event: CleanupEvent): CleanupRecord {
  const at = instant(event.time);
  const { cleanupId, runId, scenarioId, requestedBy } = event.data;
  const before: CleanupRecord = current ?? { cleanupId, status: "requested", updatedAt: at };
  // What was asked never changes: the first event to say it wins, in whichever order they arrive.
  const next = mergeFields(before, { runId, scenarioId, requestedBy }, false);
  next.updatedAt = latest(before.updatedAt, at) as string;
  if (event.type === "com.haymaker.cleanup.requested.v1") {
    next.requestedAt = earliest(before.requestedAt, at);
    next.agentsNamed ??= event.data.agents.length;
  } else if (before.status !== "completed") {
    const { completedAt, agents, unowned, counts, truncated } = event.data;
    Object.assign(next, { status: "completed", completedAt: instant(completedAt), agents, unowned, counts });
    next.truncated = truncated;
  }
  return withoutUndefined(next);
}

/** One agent's part of a cleanup.completed, at the event's time. */
export function projectCleanedAgent(
  cleaned: CleanedAgent,
  at: string,
  reads: ProjectionReads,
): ProjectionWrites {
  const owner = { runId: cleaned.runId, agentId: cleaned.agentId, scenarioId: cleaned.scenarioId };
  const resources = [...cleanupVerdicts(cleaned, reads, at)].map(([resourceId, verdict]) => {
    const before = reads.resources.get(resourceRecordId(resourceId));
    return { before, after: reportResource(before ?? newResource(owner, resourceId, at), verdict) };
  });
  const agent =
    reads.agent === undefined
      ? undefined
      : {
          ...withResourceCounts(reads.agent, resources),
          updatedAt: latest(reads.agent.updatedAt, at) as string,
        };
  return {
    agent,
    identity: cleanedIdentity(reads.identity, cleaned, at),
    resources: resources.map(({ after }) => after),
    logs: [],
  };
}

/** Once deleted, always deleted: a cleanup that finds nothing left does not bring an identity back. */
function cleanedIdentity(
  current: IdentityRecord | undefined,
  cleaned: CleanedAgent,
  at: string,
): IdentityRecord | undefined {
  if (current === undefined && cleaned.identity === undefined) return undefined;
  const before: IdentityRecord = current ?? {
    runId: cleaned.runId,
    agentId: cleaned.agentId,
    scenarioId: cleaned.scenarioId,
    identityDeleted: false,
    secretDeleted: false,
    updatedAt: at,
  };
  const identityDeleted = before.identityDeleted || cleaned.identity?.deleted === true;
  return withoutUndefined({
    ...before,
    displayName: before.displayName ?? cleaned.identity?.displayName,
    identityDeleted,
    secretDeleted: before.secretDeleted || cleaned.secret?.deleted === true,
    deletedAt: cleaned.identity?.deleted ? earliest(before.deletedAt, at) : before.deletedAt,
    updatedAt: latest(before.updatedAt, at) as string,
  });
}
