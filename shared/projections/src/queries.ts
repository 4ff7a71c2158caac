// What the reads take, as valibot schemas (the gateway may reuse them) and types. Every list pages by an
// opaque continuation token over an ordered key, since Cosmos DB (and its emulator) pages that way and the
// emulator has no OFFSET/LIMIT.
import {
  AgentIdSchema,
  ArmIdSchema,
  RunIdSchema,
  ScenarioIdSchema,
  TimestampSchema,
} from "@haymaker/contracts";
import * as v from "valibot";
import { ProjectionQueryError } from "./errors.ts";
import { instant } from "./projecting/merge.ts";
import {
  AGENT_PIPELINE_STAGES,
  EXECUTION_STATUSES,
  type LogRecord,
  RESOURCE_STATUSES,
  type RunEventRecord,
} from "./records.ts";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_LOG_PAGE_SIZE = 200;
export const MAX_LOG_LINES = 1000;

export interface Page<T> {
  items: T[];
  /** Pass back to get the next page; absent on the last page. */
  continuation?: string;
}

const limit = (max: number) =>
  v.pipe(
    v.number("expected a number"),
    v.integer("expected a whole number"),
    v.minValue(1, "expected at least 1"),
    v.maxValue(max, `expected at most ${max}`),
  );

const pageEntries = {
  limit: v.optional(limit(MAX_PAGE_SIZE)),
  continuation: v.optional(
    v.pipe(v.string(), v.maxLength(2048, "expected a continuation token from a previous page")),
  ),
};

export const ExecutionQuerySchema = v.object({
  status: v.optional(v.picklist(EXECUTION_STATUSES, `expected one of ${EXECUTION_STATUSES.join(", ")}`)),
  /** Runs requested at or after this instant. */
  since: v.optional(TimestampSchema),
  /** Runs requested before this instant. */
  until: v.optional(TimestampSchema),
  /** Runs with an agent performing this scenario. */
  scenario: v.optional(ScenarioIdSchema),
  ...pageEntries,
});
/** Newest run first (by requestedAt, then run id). */
export type ExecutionQuery = v.InferInput<typeof ExecutionQuerySchema>;

export const AgentQuerySchema = v.object({
  runId: v.optional(RunIdSchema),
  stage: v.optional(v.picklist(AGENT_PIPELINE_STAGES, `expected one of ${AGENT_PIPELINE_STAGES.join(", ")}`)),
  scenario: v.optional(ScenarioIdSchema),
  ...pageEntries,
});
/** Ordered by run id, then agent id. */
export type AgentQuery = v.InferInput<typeof AgentQuerySchema>;

export const ResourceQuerySchema = v.object({
  runId: v.optional(RunIdSchema),
  agentId: v.optional(AgentIdSchema),
  scenario: v.optional(ScenarioIdSchema),
  status: v.optional(v.picklist(RESOURCE_STATUSES, `expected one of ${RESOURCE_STATUSES.join(", ")}`)),
  /** An ARM resource type, matched case-insensitively. */
  type: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(256, "expected at most 256 characters"))),
  ...pageEntries,
});
/** Ordered by run id, agent id, then ARM id (case-insensitively). */
export type ResourceQuery = v.InferInput<typeof ResourceQuerySchema>;

export const IdentityQuerySchema = v.object({ runId: v.optional(RunIdSchema), ...pageEntries });
/** Ordered by run id, then agent id. */
export type IdentityQuery = v.InferInput<typeof IdentityQuerySchema>;

export const LogQuerySchema = v.object({
  /** Only the last `tail` matching lines (still returned oldest first); no continuation. */
  tail: v.optional(limit(MAX_LOG_LINES)),
  /** Lines the agent wrote at or after this instant. */
  since: v.optional(TimestampSchema),
  /** Lines received after this sequence number: pass a previous answer's lastSequence to follow a log. */
  afterSequence: v.optional(
    v.pipe(v.number("expected a number"), v.integer("expected a whole number"), v.minValue(0)),
  ),
  limit: v.optional(limit(MAX_LOG_LINES)),
  continuation: pageEntries.continuation,
  /**
   * "written" (default): by `at`, then sequence. "received": by sequence alone, so a reader that follows a
   * log with afterSequence and a limit never skips a line that arrived late with an earlier `at`.
   */
  order: v.optional(v.picklist(["written", "received"], 'expected "written" or "received"')),
});
/** Lines in the order the agent wrote them (by `at`, then sequence), or as received. */
export type LogQuery = v.InferInput<typeof LogQuerySchema>;

export interface LogPage extends Page<LogRecord> {
  /** The highest sequence number stored for the agent when this page was read (0 before any line). */
  lastSequence: number;
}

export const RunEventQuerySchema = v.object({
  /** Events applied after this sequence number: pass a previous answer's lastSequence to follow a run. */
  afterSequence: v.optional(
    v.pipe(v.number("expected a number"), v.integer("expected a whole number"), v.minValue(0)),
  ),
  limit: v.optional(limit(MAX_LOG_LINES)),
});
/** A run's events in the order the store applied them (by sequence). */
export type RunEventQuery = v.InferInput<typeof RunEventQuerySchema>;

export interface RunEventPage {
  /** The oldest `limit` events after `afterSequence`; fewer when that is all there is. */
  items: RunEventRecord[];
  /** The highest sequence number stored for the run when this page was read (0 before any event). */
  lastSequence: number;
}

export const MetricsQuerySchema = v.object({
  since: TimestampSchema,
  /** Defaults to now. */
  until: v.optional(TimestampSchema),
  scenario: v.optional(ScenarioIdSchema),
});
export type MetricsQuery = v.InferInput<typeof MetricsQuerySchema>;

/** A resource is looked up by its record id ("res-…") or by its ARM id. */
export const ResourceLookupSchema = v.union(
  [v.pipe(v.string(), v.regex(/^res-[0-9a-f]{32}$/)), ArmIdSchema],
  "expected a resource record id (res-…) or an ARM resource id",
);

/** Parses a read's input, throwing ProjectionQueryError that names the first field at fault. */
export function parseQuery<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  what = "query",
): v.InferOutput<S> {
  const result = v.safeParse(schema, input ?? {});
  if (result.success) return result.output;
  const [issue] = result.issues;
  const field = issue.path?.map((item) => String(item.key)).join(".") || what;
  throw new ProjectionQueryError(field, issue.message);
}

/** Checks an id a read takes (a run id, an agent id), naming the field when it cannot be one. */
export function checkId(field: string, schema: v.GenericSchema<string, string>, value: string): void {
  parseQuery(schema, value, field);
}

/** A log query, checked: `tail` takes no paging. */
export function parseLogQuery(query: LogQuery | undefined): v.InferOutput<typeof LogQuerySchema> {
  const q = parseQuery(LogQuerySchema, query);
  if (q.tail !== undefined && (q.limit !== undefined || q.continuation !== undefined)) {
    throw new ProjectionQueryError("tail", "cannot be combined with limit or continuation");
  }
  return q;
}

/** A metrics query, checked, with its period as UTC instants (until defaults to now). */
export function parseMetricsQuery(query: MetricsQuery) {
  const q = parseQuery(MetricsQuerySchema, query);
  const since = instant(q.since);
  const until = q.until === undefined ? new Date().toISOString() : instant(q.until);
  if (until < since) throw new ProjectionQueryError("until", "expected an instant after since");
  return { since, until, scenario: q.scenario };
}
