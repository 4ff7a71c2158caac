import * as v from "valibot";
import { ReportRefSchema } from "../azure-refs.ts";
import { NAME_PATTERN, RunIdSchema, ScenarioIdSchema } from "../ids.ts";
import { line, PrincipalSchema, TagsSchema } from "../text.ts";
import { RunDurationSchema, TimestampSchema } from "../time.ts";
import { boundedArray, fieldCheck, MAX_AGENTS_PER_RUN } from "./shared.ts";

// Events about a run as a whole: requested → validated | rejected → ... → completed | failed.

export const RUN_SIZES = ["small", "medium", "large"] as const;
export type RunSize = (typeof RUN_SIZES)[number];
/** How many scenarios each size selects (docs/architecture.md). */
export const AGENTS_PER_SIZE: Readonly<Record<RunSize, number>> = { small: 5, medium: 15, large: 30 };

const ScenarioListSchema = v.pipe(
  boundedArray(ScenarioIdSchema, 1, MAX_AGENTS_PER_RUN, "scenario ids"),
  v.check((ids: string[]) => new Set(ids).size === ids.length, "expected distinct scenario ids"),
);

/** What was asked for. Carried forward by validate so select needs nothing else. */
const runParametersEntries = {
  runId: RunIdSchema,
  requestedBy: PrincipalSchema,
  requestedAt: TimestampSchema,
  size: v.optional(v.picklist(RUN_SIZES, 'expected "small", "medium" or "large"')),
  scenarios: v.optional(ScenarioListSchema),
  /** How long each agent operates, e.g. "PT8H". */
  duration: RunDurationSchema,
  tags: v.optional(TagsSchema, () => ({})),
};

function exactlyOneSelection<
  TInput extends { size?: RunSize | undefined; scenarios?: string[] | undefined },
>() {
  return v.check(
    (input: TInput) => (input.size === undefined) !== (input.scenarios === undefined),
    'expected exactly one of "size" or "scenarios"',
  );
}

export const RunRequestedDataSchema = v.pipe(v.object(runParametersEntries), exactlyOneSelection());
export type RunRequestedData = v.InferOutput<typeof RunRequestedDataSchema>;

const CheckNameSchema = v.pipe(
  v.string(),
  v.regex(NAME_PATTERN, "expected a check name in kebab case, e.g. credentials"),
  v.maxLength(64, "expected a check name of at most 64 characters"),
);

/**
 * The run passed validation. `ok: false` entries are warnings that did not block the run; a blocking
 * failure produces run.rejected instead.
 */
export const RunValidatedDataSchema = v.pipe(
  v.object({
    ...runParametersEntries,
    checks: boundedArray(
      v.object({ name: CheckNameSchema, ok: v.boolean(), detail: v.optional(line(1024)) }),
      1,
      32,
      "checks",
    ),
  }),
  exactlyOneSelection(),
);
export type RunValidatedData = v.InferOutput<typeof RunValidatedDataSchema>;

/** The run cannot start. Carries the request so the report can describe it without looking it up. */
export const RunRejectedDataSchema = v.pipe(
  v.object({
    ...runParametersEntries,
    failedChecks: boundedArray(
      v.object({ name: CheckNameSchema, message: line(1024) }),
      1,
      32,
      "failed checks",
    ),
  }),
  exactlyOneSelection(),
);
export type RunRejectedData = v.InferOutput<typeof RunRejectedDataSchema>;

const CountSchema = v.pipe(
  v.number(),
  v.integer("expected an integer"),
  v.minValue(0, "expected a non-negative count"),
);

const RunSummarySchema = v.pipe(
  v.object({
    agents: v.pipe(
      CountSchema,
      v.maxValue(MAX_AGENTS_PER_RUN, `expected at most ${MAX_AGENTS_PER_RUN} agents`),
    ),
    completed: CountSchema,
    failed: CountSchema,
    timedOut: CountSchema,
    cancelled: CountSchema,
    /** Resources that could not be deleted, across all agents. */
    leftovers: CountSchema,
  }),
  fieldCheck(
    "agents",
    (summary) => summary.completed + summary.failed + summary.timedOut + summary.cancelled === summary.agents,
    "expected agents to equal completed + failed + timedOut + cancelled",
  ),
);

export const RunCompletedDataSchema = v.object({
  runId: RunIdSchema,
  report: v.object({ json: ReportRefSchema, markdown: ReportRefSchema }),
  summary: RunSummarySchema,
});
export type RunCompletedData = v.InferOutput<typeof RunCompletedDataSchema>;

/** The pipeline phases that can fail a run as a whole. */
export const RUN_PHASES = [
  "validate",
  "select",
  "provision",
  "deploy",
  "monitor",
  "verify-cleanup",
  "force-cleanup",
  "report",
] as const;

export const RunFailedDataSchema = v.object({
  runId: RunIdSchema,
  phase: v.picklist(RUN_PHASES, `expected one of ${RUN_PHASES.join(", ")}`),
  reason: line(1024),
});
export type RunFailedData = v.InferOutput<typeof RunFailedDataSchema>;

/**
 * A scheduled message report sends itself (never a sleep in a handler): every agent of the run is cleaned,
 * and at `dueAt` the Activity Log will have settled — Azure shows an operation 3 to 20 minutes after it
 * happened — so the report counts each agent's operations then, not before.
 */
export const ReportDueDataSchema = v.object({
  runId: RunIdSchema,
  /** The run's agents, all cleaned. */
  total: v.pipe(
    CountSchema,
    v.minValue(1, "expected at least 1 agent"),
    v.maxValue(MAX_AGENTS_PER_RUN, `expected at most ${MAX_AGENTS_PER_RUN} agents`),
  ),
  /** When the Activity Log has settled: the run's last agent finished, plus the settle window. */
  dueAt: TimestampSchema,
});
export type ReportDueData = v.InferOutput<typeof ReportDueDataSchema>;
