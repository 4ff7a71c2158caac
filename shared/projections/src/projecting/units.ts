// How an event is applied: in units, each reading and writing one partition — a run's, or a cleanup's own —
// all at once, and remembered under its own marker so a unit applied before is skipped. Every event but an
// operator's cleanup is one unit in its run's partition. A cleanup spans runs, so it is applied per agent
// (each in its run's partition; a Cosmos DB batch cannot span partitions), then its own record last. A
// unit that fails leaves the rest to the event's redelivery, which skips the units already applied.
import type { HayMakerEvent } from "@haymaker/contracts";
import { applyCleanupEvent, type CleanupEvent, cleanupPartition, projectCleanedAgent } from "./cleanup.ts";
import { instant } from "./merge.ts";
import { isCleanupEvent, projectEvent } from "./project-event.ts";
import { type ProjectionReads, type ProjectionWrites, type ReadPlan, readPlanFor } from "./read-plan.ts";
import { resourceRecordId } from "./resource-ids.ts";
import { runEventStreamOf } from "./run-events.ts";

export interface ProjectionUnit {
  /** The partition everything the unit reads and writes lies in (the partition key in Cosmos DB). */
  partition: string;
  /** Remembered once the unit is applied: the event's id, with the part for events applied in several. */
  markerId: string;
  /** What to load before project(); none: the unit writes no record. */
  plan?: ReadPlan;
  project(reads: ProjectionReads): ProjectionWrites;
  /** The run whose event stream this unit appends the event to. */
  stream?: string;
}

const NOTHING: ProjectionWrites = { resources: [], logs: [] };

export function unitsOf(event: HayMakerEvent): ProjectionUnit[] {
  if (isCleanupEvent(event)) return cleanupUnits(event);
  // The contracts make correlationid the run id whenever the event names a run.
  return [
    {
      partition: event.correlationid,
      markerId: event.id,
      plan: readPlanFor(event),
      project: (reads) => projectEvent(event, reads),
      stream: runEventStreamOf(event),
    },
  ];
}

function cleanupUnits(event: CleanupEvent): ProjectionUnit[] {
  const units: ProjectionUnit[] = [];
  const { runId, cleanupId } = event.data;
  // A run's cleanup is an event of that run: its stream shows it.
  if (runId !== undefined)
    units.push({ partition: runId, markerId: event.id, project: () => NOTHING, stream: runId });
  if (event.type === "com.haymaker.cleanup.completed.v1") {
    const at = instant(event.time);
    for (const cleaned of event.data.agents) {
      units.push({
        partition: cleaned.runId,
        markerId: `${event.id}#${cleaned.runId}.${cleaned.agentId}`,
        plan: {
          runId: cleaned.runId,
          agentId: cleaned.agentId,
          identity: true,
          resourceIds: [...cleaned.deleted, ...cleaned.notDeleted.map((entry) => entry.resourceId)].map(
            resourceRecordId,
          ),
          allResourcesOfAgent: true,
        },
        project: (reads) => projectCleanedAgent(cleaned, at, reads),
      });
    }
  }
  const partition = cleanupPartition(cleanupId);
  units.push({
    partition,
    markerId: event.id,
    plan: { runId: partition, identity: false, resourceIds: [], allResourcesOfAgent: false, cleanupId },
    project: (reads) => ({ ...NOTHING, cleanup: applyCleanupEvent(reads.cleanup, event) }),
  });
  return units;
}
