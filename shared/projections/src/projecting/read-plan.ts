// What an adapter must load before projecting an event, and what it must write afterwards. Every event
// concerns one run and at most one agent, so everything it touches shares one partition (the run id): a
// Cosmos DB adapter can read it with point reads and one in-partition query and write it in one
// transactional batch, as the SQLite adapter does in one transaction.
import type { HayMakerEvent } from "@haymaker/contracts";
import type {
  AgentRecord,
  CleanupRecord,
  ExecutionRecord,
  IdentityRecord,
  LogRecord,
  ResourceRecord,
} from "../records.ts";
import { resourceRecordId } from "./resource-ids.ts";

export interface ReadPlan {
  /** The partition: a run's id, or a cleanup's (see cleanupPartition). */
  runId: string;
  /** Present for events about one agent: load its agent record (and identity record when `identity`). */
  agentId?: string;
  identity: boolean;
  /** Resource records to load by record id (those that do not exist yet are simply absent). */
  resourceIds: string[];
  /** Load every resource record of the agent too (agent.cleaned settles all of them). */
  allResourcesOfAgent: boolean;
  /** Load this cleanup's record (an operator's cleanup; its partition is the cleanup's own). */
  cleanupId?: string;
}

export interface ProjectionReads {
  execution?: ExecutionRecord;
  agent?: AgentRecord;
  identity?: IdentityRecord;
  /** By record id. */
  resources: ReadonlyMap<string, ResourceRecord>;
  cleanup?: CleanupRecord;
}

/** Records to upsert; logs are always new records. */
export interface ProjectionWrites {
  execution?: ExecutionRecord;
  agent?: AgentRecord;
  identity?: IdentityRecord;
  resources: ResourceRecord[];
  logs: LogRecord[];
  cleanup?: CleanupRecord;
}

/** What projecting `event` reads, or undefined when it changes no projection. */
export function readPlanFor(event: HayMakerEvent): ReadPlan | undefined {
  const plan = (agentId: string | undefined, identity: boolean, resourceIds: string[] = []): ReadPlan => ({
    runId: event.data.runId as string,
    agentId,
    identity,
    resourceIds: resourceIds.map(resourceRecordId),
    allResourcesOfAgent: false,
  });
  switch (event.type) {
    case "com.haymaker.run.requested.v1":
    case "com.haymaker.run.validated.v1":
    case "com.haymaker.run.rejected.v1":
    case "com.haymaker.run.completed.v1":
    case "com.haymaker.run.failed.v1":
    case "com.haymaker.run.cancel.requested.v1":
      return plan(undefined, false);
    // An operator's cleanup spans runs: projecting/units.ts applies it in parts, one partition each.
    case "com.haymaker.cleanup.requested.v1":
    case "com.haymaker.cleanup.completed.v1":
      return undefined;
    // The report's own reminder: nothing to show until run.completed says what the report found.
    case "com.haymaker.report.due.v1":
      return undefined;
    case "com.haymaker.agent.selected.v1":
    case "com.haymaker.agent.log.v1":
    case "com.haymaker.agent.progress.v1":
      return plan(event.data.agentId, false);
    case "com.haymaker.identity.provisioned.v1":
    case "com.haymaker.agent.deployed.v1":
    case "com.haymaker.agent.check.v1":
    case "com.haymaker.agent.finished.v1":
      return plan(event.data.agentId, true);
    case "com.haymaker.cleanup.required.v1":
      return plan(
        event.data.agentId,
        true,
        event.data.leftovers.map((leftover) => leftover.resourceId),
      );
    case "com.haymaker.agent.cleaned.v1":
      return {
        ...plan(event.data.agentId, true, [
          ...event.data.deleted,
          ...event.data.notDeleted.map((entry) => entry.resourceId),
        ]),
        allResourcesOfAgent: true,
      };
    case "com.haymaker.agent.resource.created.v1":
    case "com.haymaker.agent.resource.deleted.v1":
      return plan(event.data.agentId, false, [event.data.resourceId]);
  }
}
