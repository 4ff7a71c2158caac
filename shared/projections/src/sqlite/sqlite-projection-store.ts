// The local projections adapter: one SQLite file (node:sqlite, no native addon) under the data directory,
// written by the projector and read by the gateway, each from its own process.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  AgentIdSchema,
  CleanupIdSchema,
  type HayMakerEvent,
  parseEvent,
  RunIdSchema,
} from "@haymaker/contracts";
import { computeMetrics, type Metrics } from "../metrics.ts";
import { instant } from "../projecting/merge.ts";
import { resourceRecordId } from "../projecting/resource-ids.ts";
import { unitsOf } from "../projecting/units.ts";
import type { ApplyResult, ProjectionStore } from "../projection-store.ts";
import {
  type AgentQuery,
  AgentQuerySchema,
  checkId,
  DEFAULT_LOG_PAGE_SIZE,
  DEFAULT_PAGE_SIZE,
  type ExecutionQuery,
  ExecutionQuerySchema,
  type IdentityQuery,
  IdentityQuerySchema,
  type LogPage,
  type LogQuery,
  type MetricsQuery,
  type Page,
  parseLogQuery,
  parseMetricsQuery,
  parseQuery,
  ResourceLookupSchema,
  type ResourceQuery,
  ResourceQuerySchema,
  type RunEventPage,
  type RunEventQuery,
  RunEventQuerySchema,
} from "../queries.ts";
import type {
  AgentRecord,
  CleanupRecord,
  ExecutionRecord,
  ExecutionWithAgents,
  IdentityRecord,
  LogRecord,
  ResourceRecord,
  RunEventRecord,
} from "../records.ts";
import { type Filter, filter, keysetPage, whereClause } from "./keyset-page.ts";
import { loadReads, Statements, saveWrites } from "./record-rows.ts";
import { prepareDatabase } from "./schema.ts";

export const PROJECTIONS_FILE = "projections.sqlite";

export class SqliteProjectionStore implements ProjectionStore {
  /** Where the database lives: its file, or ":memory:". */
  readonly location: string;
  readonly #db: DatabaseSync;
  readonly #statements: Statements;

  private constructor(location: string) {
    this.location = location;
    this.#db = new DatabaseSync(location);
    try {
      prepareDatabase(this.#db, location === ":memory:");
    } catch (error) {
      this.#db.close();
      throw error;
    }
    this.#statements = new Statements(this.#db);
  }

  /** Opens (creating if need be) <dataDirectory>/projections.sqlite. */
  static open(dataDirectory: string): SqliteProjectionStore {
    mkdirSync(dataDirectory, { recursive: true });
    return new SqliteProjectionStore(join(dataDirectory, PROJECTIONS_FILE));
  }

  /** A private, empty store that lives as long as the object: for tests. */
  static inMemory(): SqliteProjectionStore {
    return new SqliteProjectionStore(":memory:");
  }

  async apply(input: HayMakerEvent): Promise<ApplyResult> {
    const event = parseEvent(input);
    return this.#transaction("BEGIN IMMEDIATE", () => {
      const seen = this.#statements.get("SELECT 1 FROM processed_events WHERE event_id = ?").get(event.id);
      if (seen) return { applied: false };
      // One transaction holds every unit, so one marker for the whole event does.
      for (const unit of unitsOf(event)) {
        if (unit.plan) saveWrites(this.#statements, unit.project(loadReads(this.#statements, unit.plan)));
        if (unit.stream !== undefined) this.#appendRunEvent(unit.stream, event);
      }
      this.#statements
        .get("INSERT INTO processed_events (event_id, event_type, run_id, applied_at) VALUES (?, ?, ?, ?)")
        .run(event.id, event.type, event.correlationid, new Date().toISOString());
      return { applied: true };
    });
  }

  async getExecution(runId: string): Promise<ExecutionWithAgents | undefined> {
    checkId("runId", RunIdSchema, runId);
    // One statement sees one snapshot, so the run and its agents agree without a transaction around them:
    // the gateway asks this on every poll of a run.
    const rows = this.#statements
      .get(
        `SELECT 0 AS part, '' AS agent_id, body FROM executions WHERE run_id = ?
         UNION ALL SELECT 1, agent_id, body FROM agents WHERE run_id = ?
         ORDER BY part, agent_id`,
      )
      .all(runId, runId);
    const [first, ...rest] = rows;
    if (first === undefined || first.part !== 0) return undefined;
    return {
      execution: JSON.parse(String(first.body)) as ExecutionRecord,
      agents: rest.map((row) => JSON.parse(String(row.body)) as AgentRecord),
    };
  }

  async listExecutions(query?: ExecutionQuery): Promise<Page<ExecutionRecord>> {
    const q = parseQuery(ExecutionQuerySchema, query);
    const filters: Filter[] = [];
    if (q.status) filters.push(filter("status = ?", q.status));
    if (q.since) filters.push(filter("sort_at >= ?", instant(q.since)));
    if (q.until) filters.push(filter("sort_at < ?", instant(q.until)));
    if (q.scenario) filters.push(scenarioFilter(q.scenario));
    return keysetPage<ExecutionRecord>(
      this.#statements,
      {
        list: "executions",
        table: "executions",
        keyColumns: ["sort_at", "run_id"],
        keyTypes: ["string", "string"],
        descending: true,
        keyOf: (execution) => [execution.sortAt, execution.runId],
      },
      filters,
      q.limit ?? DEFAULT_PAGE_SIZE,
      q.continuation,
    );
  }

  async getAgent(runId: string, agentId: string): Promise<AgentRecord | undefined> {
    checkId("runId", RunIdSchema, runId);
    checkId("agentId", AgentIdSchema, agentId);
    return this.#statements.body("SELECT body FROM agents WHERE run_id = ? AND agent_id = ?", runId, agentId);
  }

  async listAgents(query?: AgentQuery): Promise<Page<AgentRecord>> {
    const q = parseQuery(AgentQuerySchema, query);
    const filters: Filter[] = [];
    if (q.runId) filters.push(filter("run_id = ?", q.runId));
    if (q.stage) filters.push(filter("stage = ?", q.stage));
    if (q.scenario) filters.push(filter("scenario_id = ?", q.scenario));
    return keysetPage<AgentRecord>(
      this.#statements,
      {
        list: "agents",
        table: "agents",
        keyColumns: ["run_id", "agent_id"],
        keyTypes: ["string", "string"],
        descending: false,
        keyOf: (agent) => [agent.runId, agent.agentId],
      },
      filters,
      q.limit ?? DEFAULT_PAGE_SIZE,
      q.continuation,
    );
  }

  async agentLogs(runId: string, agentId: string, query?: LogQuery): Promise<LogPage> {
    checkId("runId", RunIdSchema, runId);
    checkId("agentId", AgentIdSchema, agentId);
    const q = parseLogQuery(query);
    const filters = [filter("run_id = ? AND agent_id = ?", runId, agentId)];
    if (q.since) filters.push(filter("at >= ?", instant(q.since)));
    if (q.afterSequence !== undefined) filters.push(filter("sequence > ?", q.afterSequence));
    return this.#transaction("BEGIN", () => {
      const last = this.#statements
        .get("SELECT COALESCE(MAX(sequence), 0) AS last FROM logs WHERE run_id = ? AND agent_id = ?")
        .get(runId, agentId);
      const lastSequence = Number(last?.last ?? 0);
      if (q.tail !== undefined) {
        const where = whereClause(filters);
        const newestFirst = this.#statements.bodies<LogRecord>(
          `SELECT body FROM logs ${where.sql} ORDER BY ${q.order === "received" ? "" : "at DESC, "}sequence DESC LIMIT ?`,
          ...where.parameters,
          q.tail,
        );
        return { items: newestFirst.reverse(), lastSequence };
      }
      const received = q.order === "received";
      const page = keysetPage<LogRecord>(
        this.#statements,
        {
          list: `logs/${runId}/${agentId}/${received ? "received" : "written"}`,
          table: "logs",
          keyColumns: received ? ["sequence"] : ["at", "sequence"],
          keyTypes: received ? ["number"] : ["string", "number"],
          descending: false,
          keyOf: (log) => (received ? [log.sequence] : [log.at, log.sequence]),
        },
        filters,
        q.limit ?? DEFAULT_LOG_PAGE_SIZE,
        q.continuation,
      );
      return { ...page, lastSequence };
    });
  }

  async listResources(query?: ResourceQuery): Promise<Page<ResourceRecord>> {
    const q = parseQuery(ResourceQuerySchema, query);
    const filters: Filter[] = [];
    if (q.runId) filters.push(filter("run_id = ?", q.runId));
    if (q.agentId) filters.push(filter("agent_id = ?", q.agentId));
    if (q.scenario) filters.push(filter("scenario_id = ?", q.scenario));
    if (q.status) filters.push(filter("status = ?", q.status));
    if (q.type) filters.push(filter("type = ?", q.type));
    return keysetPage<ResourceRecord>(
      this.#statements,
      {
        list: "resources",
        table: "resources",
        keyColumns: ["run_id", "agent_id", "resource_key"],
        keyTypes: ["string", "string", "string"],
        descending: false,
        keyOf: (resource) => [resource.runId, resource.agentId, resource.resourceId.toLowerCase()],
      },
      filters,
      q.limit ?? DEFAULT_PAGE_SIZE,
      q.continuation,
    );
  }

  async getResource(id: string): Promise<ResourceRecord | undefined> {
    const lookup = parseQuery(ResourceLookupSchema, id, "id");
    const recordId = lookup.startsWith("/") ? resourceRecordId(lookup) : lookup;
    return this.#statements.body("SELECT body FROM resources WHERE id = ? LIMIT 1", recordId);
  }

  async listIdentities(query?: IdentityQuery): Promise<Page<IdentityRecord>> {
    const q = parseQuery(IdentityQuerySchema, query);
    return keysetPage<IdentityRecord>(
      this.#statements,
      {
        list: "identities",
        table: "identities",
        keyColumns: ["run_id", "agent_id"],
        keyTypes: ["string", "string"],
        descending: false,
        keyOf: (identity) => [identity.runId, identity.agentId],
      },
      q.runId ? [filter("run_id = ?", q.runId)] : [],
      q.limit ?? DEFAULT_PAGE_SIZE,
      q.continuation,
    );
  }

  async getCleanup(cleanupId: string): Promise<CleanupRecord | undefined> {
    checkId("cleanupId", CleanupIdSchema, cleanupId);
    return this.#statements.body("SELECT body FROM cleanups WHERE cleanup_id = ?", cleanupId);
  }

  async runEvents(runId: string, query?: RunEventQuery): Promise<RunEventPage> {
    checkId("runId", RunIdSchema, runId);
    const q = parseQuery(RunEventQuerySchema, query);
    return this.#transaction("BEGIN", () => {
      const items = this.#statements.bodies<RunEventRecord>(
        "SELECT body FROM run_events WHERE run_id = ? AND sequence > ? ORDER BY sequence LIMIT ?",
        runId,
        q.afterSequence ?? 0,
        q.limit ?? DEFAULT_LOG_PAGE_SIZE,
      );
      return { items, lastSequence: this.#lastRunEventSequence(runId) };
    });
  }

  async metrics(query: MetricsQuery): Promise<Metrics> {
    const q = parseMetricsQuery(query);
    const { since, until } = q;
    const inPeriod = [filter("sort_at >= ? AND sort_at < ?", since, until)];
    if (q.scenario) inPeriod.push(scenarioFilter(q.scenario));
    const where = whereClause(inPeriod);
    return this.#transaction("BEGIN", () => {
      const executions = this.#statements.bodies<ExecutionRecord>(
        `SELECT body FROM executions ${where.sql}`,
        ...where.parameters,
      );
      const agents = this.#statements.bodies<AgentRecord>(
        `SELECT body FROM agents WHERE run_id IN (SELECT run_id FROM executions ${where.sql})`,
        ...where.parameters,
      );
      return computeMetrics({ since, until, scenario: q.scenario }, executions, agents);
    });
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }

  toString(): string {
    return `SqliteProjectionStore(${this.location})`;
  }

  #lastRunEventSequence(runId: string): number {
    const row = this.#statements
      .get("SELECT COALESCE(MAX(sequence), 0) AS last FROM run_events WHERE run_id = ?")
      .get(runId);
    return Number(row?.last ?? 0);
  }

  /** Inside apply's transaction, so the sequence number is taken and used by one writer at a time. */
  #appendRunEvent(runId: string, event: HayMakerEvent): void {
    const record: RunEventRecord = { runId, sequence: this.#lastRunEventSequence(runId) + 1, event };
    this.#statements
      .get("INSERT INTO run_events (run_id, sequence, body) VALUES (?, ?, ?)")
      .run(record.runId, record.sequence, JSON.stringify(record));
  }

  /** Runs `work` in one transaction: a write (BEGIN IMMEDIATE) or a consistent read (BEGIN). */
  #transaction<T>(begin: "BEGIN" | "BEGIN IMMEDIATE", work: () => T): T {
    this.#db.exec(begin);
    try {
      const result = work();
      this.#db.exec("COMMIT");
      return result;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }
}

function scenarioFilter(scenario: string): Filter {
  return filter(
    "EXISTS (SELECT 1 FROM json_each(executions.body, '$.scenarioIds') WHERE value = ?)",
    scenario,
  );
}
