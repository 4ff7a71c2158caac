// The projections port: the projector writes every event through it, the gateway reads through it.
// Local adapter: SQLite (node:sqlite). Azure adapter: Cosmos DB (cosmos/), where each record is a document
// keyed by id in the partition of its run id, reads need no joins, and lists page by continuation token.
import type { HayMakerEvent } from "@haymaker/contracts";
import type { Metrics } from "./metrics.ts";
import type {
  AgentQuery,
  ExecutionQuery,
  IdentityQuery,
  LogPage,
  LogQuery,
  MetricsQuery,
  Page,
  ResourceQuery,
  RunEventPage,
  RunEventQuery,
} from "./queries.ts";
import type {
  AgentRecord,
  CleanupRecord,
  ExecutionRecord,
  ExecutionWithAgents,
  IdentityRecord,
  ResourceRecord,
} from "./records.ts";

export interface ApplyResult {
  /** False when the event's id had been applied before: nothing changed. */
  applied: boolean;
}

export interface ProjectionStore {
  /**
   * Projects one event into every projection it affects, all at once or not at all, and remembers its id:
   * the same event again changes nothing. Events may arrive in any order; statuses and stages only move
   * forward and the newest event's fields win. Throws the contracts' EnvelopeError, EventDataError or
   * UnknownEventTypeError for an event that is not a valid HayMaker event (nothing is written).
   */
  apply(event: HayMakerEvent): Promise<ApplyResult>;

  // Reads throw ProjectionQueryError (naming the field) for malformed input: an id that cannot be one, a
  // limit out of range, a continuation token that is not from a previous page of the same list.

  /** The run and its agents, or undefined when nothing is known of it. */
  getExecution(runId: string): Promise<ExecutionWithAgents | undefined>;
  /** Runs, newest first. */
  listExecutions(query?: ExecutionQuery): Promise<Page<ExecutionRecord>>;

  getAgent(runId: string, agentId: string): Promise<AgentRecord | undefined>;
  listAgents(query?: AgentQuery): Promise<Page<AgentRecord>>;
  /** An agent's log lines, oldest first. */
  agentLogs(runId: string, agentId: string, query?: LogQuery): Promise<LogPage>;

  listResources(query?: ResourceQuery): Promise<Page<ResourceRecord>>;
  /** By record id ("res-…", see resourceRecordId) or ARM id (any casing). */
  getResource(id: string): Promise<ResourceRecord | undefined>;

  listIdentities(query?: IdentityQuery): Promise<Page<IdentityRecord>>;

  /**
   * A run's events (all but agent.log) in the order they were applied, numbered 1, 2, 3… per run: pass a
   * previous answer's lastSequence as afterSequence to follow the run. An unknown run has no events yet.
   */
  runEvents(runId: string, query?: RunEventQuery): Promise<RunEventPage>;

  /** An operator's cleanup: requested, or completed with what it deleted and could not. */
  getCleanup(cleanupId: string): Promise<CleanupRecord | undefined>;

  /** Over the runs requested in [since, until). */
  metrics(query: MetricsQuery): Promise<Metrics>;

  close(): Promise<void>;
}
