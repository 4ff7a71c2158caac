// One event → the records it changes, computed from the records as they stood. Pure: the adapters load
// what readPlanFor() names, call this, and write the result together with the event's id in one
// transaction, which is what makes applying an event idempotent.
import type { EventOf, HayMakerEvent } from "@haymaker/contracts";
import type { AgentRecord, ResourceRecord } from "../records.ts";
import { type AgentEvent, applyAgentEvent } from "./agent.ts";
import type { CleanupEvent } from "./cleanup.ts";
import { applyRunEvent, countAgentStage, newExecution, type RunEvent } from "./execution.ts";
import { applyIdentityEvent, type IdentityEvent } from "./identity.ts";
import { instant } from "./merge.ts";
import type { ProjectionReads, ProjectionWrites } from "./read-plan.ts";
import { resourceRecordId } from "./resource-ids.ts";
import { countChange, newResource, type ResourceReport, reportResource } from "./resources.ts";

/** For every event but an operator's cleanup, which projecting/units.ts applies in parts. */
export function projectEvent(event: HayMakerEvent, reads: ProjectionReads): ProjectionWrites {
  if (isCleanupEvent(event)) return { resources: [], logs: [] };
  // The report's reminder to itself changes no record; the run's event stream shows it.
  if (event.type === "com.haymaker.report.due.v1") return { resources: [], logs: [] };
  if (isRunEvent(event)) return { execution: applyRunEvent(reads.execution, event), resources: [], logs: [] };
  return projectAgentEvent(event, reads);
}

export function isCleanupEvent(event: HayMakerEvent): event is CleanupEvent {
  return (
    event.type === "com.haymaker.cleanup.requested.v1" || event.type === "com.haymaker.cleanup.completed.v1"
  );
}

function isRunEvent(event: HayMakerEvent): event is RunEvent {
  return event.type.startsWith("com.haymaker.run.");
}

function isIdentityEvent(event: AgentEvent): event is IdentityEvent {
  return "identity" in event.data;
}

function projectAgentEvent(event: AgentEvent, reads: ProjectionReads): ProjectionWrites {
  const at = instant(event.time);
  const applied = applyAgentEvent(reads.agent, event);
  const resources = settleResources(event, reads, applied);
  const agent = withResourceCounts(applied, resources);
  const execution = countAgentStage(
    reads.execution ?? newExecution(event.data.runId, at),
    agent,
    reads.agent?.stage,
    agent.stage,
    at,
  );
  return {
    execution,
    agent,
    identity: isIdentityEvent(event) ? applyIdentityEvent(reads.identity, event) : undefined,
    resources: resources.map(({ after }) => after),
    logs: event.type === "com.haymaker.agent.log.v1" ? [logRecord(event, agent)] : [],
  };
}

function logRecord(event: EventOf<"agent.log">, agent: AgentRecord) {
  const { runId, agentId, scenarioId, level, message, at, fields } = event.data;
  return {
    runId,
    agentId,
    scenarioId,
    sequence: agent.logCount,
    level,
    message,
    at: instant(at),
    ...(fields === undefined ? {} : { fields }),
    eventId: event.id,
  };
}

/** Every resource record the event changes, before and after. */
function settleResources(
  event: AgentEvent,
  reads: ProjectionReads,
  agent: AgentRecord,
): Array<{ before: ResourceRecord | undefined; after: ResourceRecord }> {
  const at = instant(event.time);
  const { runId, agentId, scenarioId } = event.data;
  const changed = new Map<string, { before: ResourceRecord | undefined; after: ResourceRecord }>();
  const report = (resourceId: string, ...reports: ResourceReport[]) => {
    const id = resourceRecordId(resourceId);
    const before = reads.resources.get(id);
    let after = changed.get(id)?.after ?? before;
    if (!after) {
      after = newResource({ runId, agentId, scenarioId }, resourceId, at);
      // A resource first heard of after its agent was cleaned up gets that cleanup's verdict too.
      const verdict = cleanupVerdict(agent.cleanedAt, agent.notDeleted, resourceId);
      if (verdict && event.type !== "com.haymaker.agent.cleaned.v1") reports.push(verdict);
    }
    for (const each of reports) after = reportResource(after, each);
    changed.set(id, { before, after });
  };

  switch (event.type) {
    case "com.haymaker.agent.resource.created.v1":
      report(event.data.resourceId, {
        kind: "created",
        at: instant(event.data.at),
        type: event.data.resourceType,
      });
      break;
    case "com.haymaker.agent.resource.deleted.v1":
      report(event.data.resourceId, {
        kind: "deleted",
        at: instant(event.data.at),
        by: "agent",
        type: event.data.resourceType,
      });
      break;
    case "com.haymaker.cleanup.required.v1":
      for (const leftover of event.data.leftovers) {
        report(leftover.resourceId, { kind: "found", at, type: leftover.type });
      }
      break;
    case "com.haymaker.agent.cleaned.v1": {
      // After cleanup, what it could not delete is left and everything else of the agent is gone: deleted by
      // force-cleanup, or already gone when verify-cleanup listed what was still tagged.
      for (const [resourceId, verdict] of cleanupVerdicts(event.data, reads, at)) report(resourceId, verdict);
      break;
    }
  }
  return [...changed.values()];
}

/**
 * After a cleanup of an agent, what it could not delete is left and every other resource of the agent is
 * gone: deleted by the cleanup, or already gone when the cleanup listed what was still tagged. One verdict
 * per resource, named or known.
 */
export function cleanupVerdicts(
  cleaned: {
    agentId: string;
    deleted: readonly string[];
    notDeleted: NonNullable<AgentRecord["notDeleted"]>;
  },
  reads: ProjectionReads,
  at: string,
): Map<string, ResourceReport> {
  const { agentId, deleted, notDeleted } = cleaned;
  const ofAgent = [...reads.resources.values()].filter((resource) => resource.agentId === agentId);
  const named = [...deleted, ...notDeleted.map((entry) => entry.resourceId)];
  const verdicts = new Map<string, ResourceReport>();
  const ids = new Set<string>();
  for (const resourceId of [...named, ...ofAgent.map((resource) => resource.resourceId)]) {
    const id = resourceRecordId(resourceId);
    if (ids.has(id)) continue;
    ids.add(id);
    const verdict = cleanupVerdict(at, notDeleted, resourceId);
    if (verdict) verdicts.set(resourceId, verdict);
  }
  return verdicts;
}

/** The agent with its resource counts moved by each resource's change of status. */
export function withResourceCounts(
  agent: AgentRecord,
  changes: ReadonlyArray<{ before: ResourceRecord | undefined; after: ResourceRecord }>,
): AgentRecord {
  const counts = { ...agent.resources };
  for (const { before, after } of changes) {
    const change = countChange(before?.status, after.status);
    counts.created += change.created;
    counts.deleted += change.deleted;
    counts.left += change.left;
  }
  return { ...agent, resources: counts };
}

function cleanupVerdict(
  cleanedAt: string | undefined,
  notDeleted: AgentRecord["notDeleted"],
  resourceId: string,
): ResourceReport | undefined {
  if (cleanedAt === undefined) return undefined;
  const left = notDeleted?.find((entry) => entry.resourceId.toLowerCase() === resourceId.toLowerCase());
  return left
    ? { kind: "left", at: cleanedAt, reason: left.reason }
    : { kind: "deleted", at: cleanedAt, by: "cleanup" };
}
