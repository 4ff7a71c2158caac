// The Azure projections adapter: Cosmos DB (NoSQL API) through @azure/cosmos. One container, partitioned by
// run id; each record a document in its run's partition (see documents.ts), each event applied with one
// transactional batch (see apply-event.ts), each list paged by key (see keyset-query.ts).
import type { Container, CosmosClient, CosmosClientOptions } from "@azure/cosmos";
import type { TokenCredential } from "@azure/identity";
import {
  AgentIdSchema,
  CleanupIdSchema,
  type HayMakerEvent,
  parseEvent,
  RunIdSchema,
} from "@haymaker/contracts";
import * as v from "valibot";
import { computeMetrics, type Metrics } from "../metrics.ts";
import { cleanupPartition } from "../projecting/cleanup.ts";
import { instant } from "../projecting/merge.ts";
import { resourceRecordId } from "../projecting/resource-ids.ts";
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
import { applyEvent, DEFAULT_RETRY, type Expiry, type RetryPolicy } from "./apply-event.ts";
import { DEFAULT_CONTAINER, openContainer } from "./container.ts";
import { cosmosClientFor } from "./cosmos-client.ts";
import { agentDocumentId, CLEANUP_ID, HEAD_ID, type HeadDocument, type StoredDocument } from "./documents.ts";
import { keysetPage, queryAll, Where, whereKind } from "./keyset-query.ts";
import { retryWhileRaced } from "./state-documents.ts";

export const DEFAULT_LOG_TTL_DAYS = 30;
export const DEFAULT_PROCESSED_EVENT_TTL_DAYS = 90;
const SECONDS_PER_DAY = 86_400;
/** Runs whose agents one metrics query fetches at once (a query's parameters stay small). */
const RUNS_PER_AGENT_QUERY = 100;

export interface CosmosProjectionStoreOptions {
  /** The account's endpoint, e.g. https://contoso.documents.azure.com:443/. */
  endpoint: string;
  /** The account key; without it (and without `credential`) the store signs in with DefaultAzureCredential. */
  key?: string;
  /** A Microsoft Entra credential, e.g. a managed identity: needs the Cosmos DB Built-in Data Contributor role. */
  credential?: TokenCredential;
  /** Created if missing. */
  database: string;
  /** Created if missing; default "projections". */
  container?: string;
  /** How long agents' log lines and runs' event streams are kept, in days (default 30). */
  logTtlDays?: number;
  /**
   * How long an applied event's id is remembered, in days (default 90): an event delivered again within it
   * changes nothing; one replayed later is applied again. Keep it well above the bus's redelivery window.
   */
  processedEventTtlDays?: number;
  /** Anything else for the CosmosClient (connection policy, user agent suffix…). */
  clientOptions?: Omit<CosmosClientOptions, "endpoint" | "key" | "aadCredentials">;
  /** How long apply() keeps trying while other writers change the same run. */
  retry?: RetryPolicy;
}

const days = (name: string) =>
  v.optional(
    v.pipe(
      v.number(`${name}: expected a number of days`),
      v.integer(`${name}: expected a whole number of days`),
      v.minValue(1, `${name}: expected at least 1 day`),
      v.maxValue(3650, `${name}: expected at most 3650 days`),
    ),
  );
const TtlOptionsSchema = v.object({
  logTtlDays: days("logTtlDays"),
  processedEventTtlDays: days("processedEventTtlDays"),
});

export class CosmosProjectionStore implements ProjectionStore {
  readonly #client: CosmosClient;
  readonly #container: Container;
  readonly #expiry: Expiry;
  readonly #retry: RetryPolicy;
  readonly #where: string;

  private constructor(client: CosmosClient, container: Container, expiry: Expiry, retry: RetryPolicy) {
    this.#client = client;
    this.#container = container;
    this.#expiry = expiry;
    this.#retry = retry;
    this.#where = `${container.database.id}/${container.id}`;
  }

  /** Connects, creating the database and the container if they are missing. */
  static async open(options: CosmosProjectionStoreOptions): Promise<CosmosProjectionStore> {
    const ttl = v.safeParse(TtlOptionsSchema, options);
    if (!ttl.success) throw new Error(`CosmosProjectionStore: ${ttl.issues[0].message}`);
    const expiry: Expiry = {
      logSeconds: (ttl.output.logTtlDays ?? DEFAULT_LOG_TTL_DAYS) * SECONDS_PER_DAY,
      processedEventSeconds:
        (ttl.output.processedEventTtlDays ?? DEFAULT_PROCESSED_EVENT_TTL_DAYS) * SECONDS_PER_DAY,
    };
    const client = cosmosClientFor(options);
    try {
      // createIfNotExists reads, then creates: of replicas starting together on a fresh account, all but one
      // get 409 and read again.
      const { database } = await retryWhileRaced(
        () => client.databases.createIfNotExists({ id: options.database }),
        [409],
      );
      const container = await openContainer(database, options.container ?? DEFAULT_CONTAINER);
      return new CosmosProjectionStore(client, container, expiry, options.retry ?? DEFAULT_RETRY);
    } catch (error) {
      client.dispose();
      throw error;
    }
  }

  /** The container the records are kept in (for operators' tooling and tests). */
  get container(): Container {
    return this.#container;
  }

  async apply(input: HayMakerEvent): Promise<ApplyResult> {
    return applyEvent(this.#container, parseEvent(input), this.#expiry, this.#retry);
  }

  async getExecution(runId: string): Promise<ExecutionWithAgents | undefined> {
    checkId("runId", RunIdSchema, runId);
    // One query in the run's partition, so the run and its agents are read together.
    const documents = await queryAll<StoredDocument>(
      this.#container,
      new Where()
        .and("c.runId = ?", runId)
        .and("c.kind = 'execution' OR c.kind = 'agent'")
        .query("c.kind, c.record"),
      runId,
    );
    const execution = documents.find((document) => document.kind === "execution")?.record as
      | ExecutionRecord
      | undefined;
    if (!execution) return undefined;
    const agents = documents
      .filter((document) => document.kind === "agent")
      .map((document) => document.record as AgentRecord)
      .sort((a, b) => compareText(a.agentId, b.agentId));
    return { execution, agents };
  }

  /** Across runs: a cross-partition query, ordered by the (sortAt, runId) composite index. */
  async listExecutions(query?: ExecutionQuery): Promise<Page<ExecutionRecord>> {
    const q = parseQuery(ExecutionQuerySchema, query);
    const where = whereKind("execution");
    if (q.status) where.and("c.status = ?", q.status);
    if (q.since) where.and("c.sortAt >= ?", instant(q.since));
    if (q.until) where.and("c.sortAt < ?", instant(q.until));
    if (q.scenario) where.and("ARRAY_CONTAINS(c.scenarioIds, ?)", q.scenario);
    return keysetPage<ExecutionRecord>(
      this.#container,
      {
        list: "executions",
        keyFields: ["sortAt", "runId"],
        keyTypes: ["string", "string"],
        descending: true,
        keyOf: (execution) => [execution.sortAt, execution.runId],
      },
      where,
      q.limit ?? DEFAULT_PAGE_SIZE,
      q.continuation,
    );
  }

  async getAgent(runId: string, agentId: string): Promise<AgentRecord | undefined> {
    checkId("runId", RunIdSchema, runId);
    checkId("agentId", AgentIdSchema, agentId);
    return this.#pointRead<AgentRecord>(runId, agentDocumentId(agentId));
  }

  /** In one partition when the run is given; across runs otherwise. */
  async listAgents(query?: AgentQuery): Promise<Page<AgentRecord>> {
    const q = parseQuery(AgentQuerySchema, query);
    const where = whereKind("agent", q.runId);
    if (q.stage) where.and("c.stage = ?", q.stage);
    if (q.scenario) where.and("c.scenarioId = ?", q.scenario);
    return keysetPage<AgentRecord>(
      this.#container,
      {
        list: "agents",
        keyFields: ["runId", "agentId"],
        keyTypes: ["string", "string"],
        descending: false,
        keyOf: (agent) => [agent.runId, agent.agentId],
      },
      where,
      q.limit ?? DEFAULT_PAGE_SIZE,
      q.continuation,
      q.runId,
    );
  }

  async agentLogs(runId: string, agentId: string, query?: LogQuery): Promise<LogPage> {
    checkId("runId", RunIdSchema, runId);
    checkId("agentId", AgentIdSchema, agentId);
    const q = parseLogQuery(query);
    // The agent's line count is the newest line's sequence number. Read first, and only lines up to it
    // listed, so that a line arriving meanwhile is neither shown twice nor skipped by a follower.
    const agent = await this.#pointRead<AgentRecord>(runId, agentDocumentId(agentId));
    const lastSequence = agent?.logCount ?? 0;
    const where = whereKind("log", runId).and("c.agentId = ?", agentId).and("c.sequence <= ?", lastSequence);
    if (q.since) where.and("c.at >= ?", instant(q.since));
    if (q.afterSequence !== undefined) where.and("c.sequence > ?", q.afterSequence);
    // "written": by the agent's clock, then arrival; "received": by arrival alone, for followers.
    const received = q.order === "received";
    if (q.tail !== undefined) {
      const newestFirst = await queryAll<LogRecord>(
        this.#container,
        where.query(
          `TOP ${q.tail} VALUE c.record`,
          received ? "ORDER BY c.sequence DESC" : "ORDER BY c.at DESC, c.sequence DESC",
        ),
        runId,
      );
      return { items: newestFirst.reverse(), lastSequence };
    }
    const page = await keysetPage<LogRecord>(
      this.#container,
      {
        list: `logs/${runId}/${agentId}/${received ? "received" : "written"}`,
        keyFields: received ? ["sequence"] : ["at", "sequence"],
        keyTypes: received ? ["number"] : ["string", "number"],
        descending: false,
        keyOf: (log) => (received ? [log.sequence] : [log.at, log.sequence]),
      },
      where,
      q.limit ?? DEFAULT_LOG_PAGE_SIZE,
      q.continuation,
      runId,
    );
    return { ...page, lastSequence };
  }

  async listResources(query?: ResourceQuery): Promise<Page<ResourceRecord>> {
    const q = parseQuery(ResourceQuerySchema, query);
    const where = whereKind("resource", q.runId);
    if (q.agentId) where.and("c.agentId = ?", q.agentId);
    if (q.scenario) where.and("c.scenarioId = ?", q.scenario);
    if (q.status) where.and("c.status = ?", q.status);
    if (q.type) where.and("c.typeKey = ?", q.type.toLowerCase());
    return keysetPage<ResourceRecord>(
      this.#container,
      {
        list: "resources",
        keyFields: ["runId", "agentId", "resourceKey"],
        keyTypes: ["string", "string", "string"],
        descending: false,
        keyOf: (resource) => [resource.runId, resource.agentId, resource.resourceId.toLowerCase()],
      },
      where,
      q.limit ?? DEFAULT_PAGE_SIZE,
      q.continuation,
      q.runId,
    );
  }

  /**
   * The run of a resource is not known from its id, so this is a cross-partition query on the document id
   * (indexed like every id): one lookup an operator makes now and then, not a hot path.
   */
  async getResource(id: string): Promise<ResourceRecord | undefined> {
    const lookup = parseQuery(ResourceLookupSchema, id, "id");
    const recordId = lookup.startsWith("/") ? resourceRecordId(lookup) : lookup;
    const [found] = await queryAll<ResourceRecord>(
      this.#container,
      whereKind("resource").and("c.id = ?", recordId).query("TOP 1 VALUE c.record"),
    );
    return found;
  }

  async listIdentities(query?: IdentityQuery): Promise<Page<IdentityRecord>> {
    const q = parseQuery(IdentityQuerySchema, query);
    return keysetPage<IdentityRecord>(
      this.#container,
      {
        list: "identities",
        keyFields: ["runId", "agentId"],
        keyTypes: ["string", "string"],
        descending: false,
        keyOf: (identity) => [identity.runId, identity.agentId],
      },
      whereKind("identity", q.runId),
      q.limit ?? DEFAULT_PAGE_SIZE,
      q.continuation,
      q.runId,
    );
  }

  async getCleanup(cleanupId: string): Promise<CleanupRecord | undefined> {
    checkId("cleanupId", CleanupIdSchema, cleanupId);
    return this.#pointRead<CleanupRecord>(cleanupPartition(cleanupId), CLEANUP_ID);
  }

  async runEvents(runId: string, query?: RunEventQuery): Promise<RunEventPage> {
    checkId("runId", RunIdSchema, runId);
    const q = parseQuery(RunEventQuerySchema, query);
    // As with logs: the head's count first, then only events up to it.
    const head = await this.#pointReadDocument<HeadDocument>(runId, HEAD_ID);
    const lastSequence = head?.runEventCount ?? 0;
    const after = q.afterSequence ?? 0;
    if (after >= lastSequence) return { items: [], lastSequence };
    const limit = q.limit ?? DEFAULT_LOG_PAGE_SIZE;
    const items = await queryAll<RunEventRecord>(
      this.#container,
      whereKind("run-event", runId)
        .and("c.sequence > ? AND c.sequence <= ?", after, lastSequence)
        .query(`TOP ${limit} VALUE c.record`, "ORDER BY c.sequence ASC"),
      runId,
    );
    return { items, lastSequence };
  }

  /**
   * The runs requested in the period (cross-partition, by the indexed sortAt), then their agents, and the
   * sums in code: the emulator has no GROUP BY, and every adapter sums with the same function.
   */
  async metrics(query: MetricsQuery): Promise<Metrics> {
    const q = parseMetricsQuery(query);
    const { since, until } = q;
    const inPeriod = whereKind("execution").and("c.sortAt >= ? AND c.sortAt < ?", since, until);
    if (q.scenario) inPeriod.and("ARRAY_CONTAINS(c.scenarioIds, ?)", q.scenario);
    const executions = await queryAll<ExecutionRecord>(this.#container, inPeriod.query("VALUE c.record"));
    const agents: AgentRecord[] = [];
    const runIds = executions.map((execution) => execution.runId);
    for (let start = 0; start < runIds.length; start += RUNS_PER_AGENT_QUERY) {
      const some = runIds.slice(start, start + RUNS_PER_AGENT_QUERY);
      agents.push(
        ...(await queryAll<AgentRecord>(
          this.#container,
          whereKind("agent").and("ARRAY_CONTAINS(?, c.runId)", some).query("VALUE c.record"),
        )),
      );
    }
    return computeMetrics({ since, until, scenario: q.scenario }, executions, agents);
  }

  async close(): Promise<void> {
    this.#client.dispose();
  }

  toString(): string {
    return `CosmosProjectionStore(${this.#where})`;
  }

  async #pointRead<T>(runId: string, id: string): Promise<T | undefined> {
    return (await this.#pointReadDocument(runId, id))?.record as T | undefined;
  }

  async #pointReadDocument<D extends StoredDocument>(runId: string, id: string): Promise<D | undefined> {
    const { resource } = await this.#container.item(id, runId).read<D>();
    return resource;
  }
}

/** Orders ids as the other adapters do (by code unit), not by locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
