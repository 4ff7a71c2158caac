import * as v from "valibot";
import {
  ArmIdSchema,
  IdentitySchema,
  ResourceGroupNameSchema,
  ResourceTypeSchema,
  RuntimeRefSchema,
  SecretRefSchema,
} from "../azure-refs.ts";
import { AgentIdSchema, RunIdSchema, ScenarioIdSchema } from "../ids.ts";
import { line } from "../text.ts";
import { TimestampSchema } from "../time.ts";

// Building blocks shared by several event payloads. Each phase gets, in the event it consumes, everything
// it needs to act without asking another service, so these travel forward from phase to phase.

/** Large runs have 30 agents; the bound leaves room for named-scenario runs and keeps fan-out sane. */
export const MAX_AGENTS_PER_RUN = 50;
export const MAX_RESOURCES_PER_AGENT = 1000;

/** Which agent of which run, doing which scenario. */
export const agentKeyEntries = {
  runId: RunIdSchema,
  agentId: AgentIdSchema,
  scenarioId: ScenarioIdSchema,
};

/**
 * The agent's place in its run (0-based index of total). Travels to the end of the pipeline so the report
 * can tell when every agent of a run is done without keeping a list of its own.
 */
export const positionEntries = {
  index: v.pipe(
    v.number(),
    v.integer("expected an integer"),
    v.minValue(0, "expected a non-negative index"),
    v.maxValue(MAX_AGENTS_PER_RUN - 1, `expected an index below ${MAX_AGENTS_PER_RUN}`),
  ),
  total: v.pipe(
    v.number(),
    v.integer("expected an integer"),
    v.minValue(1, "expected at least 1 agent"),
    v.maxValue(MAX_AGENTS_PER_RUN, `expected at most ${MAX_AGENTS_PER_RUN} agents`),
  ),
};

/**
 * A rule across several fields of an object, reported at one of them so the error names a field.
 * Runs only once the object itself is valid. TInput is inferred from the pipe it is placed in.
 */
export function fieldCheck<TInput extends Record<string, unknown>>(
  key: keyof TInput & string,
  requirement: (input: TInput) => boolean,
  message: string,
) {
  // valibot types forward()'s path against TInput, which a generic TInput cannot satisfy; key is checked above.
  return v.forward<TInput, v.CheckIssue<TInput>, [string]>(v.check(requirement, message), [key] as never);
}

/** For payloads with positionEntries: the index lies inside the run. */
export function indexWithinTotal<TInput extends { index: number; total: number }>() {
  return fieldCheck<TInput>(
    "index",
    (input) => input.index < input.total,
    "expected index to be less than total",
  );
}

/** What cleanup must remove besides the agent's resources: its identity, its secret and its runtime. */
export const agentEstateEntries = {
  resourceGroup: ResourceGroupNameSchema,
  identity: IdentitySchema,
  secretRef: SecretRefSchema,
  runtimeRef: RuntimeRefSchema,
};

/**
 * When the agent started and ended and why, carried from deploy through monitor and cleanup so the report
 * can give each agent's duration and errors without reading another service's state.
 */
export const agentTimelineEntries = {
  deployedAt: v.optional(TimestampSchema),
  finishedAt: v.optional(TimestampSchema),
  /** Why the agent ended as it did, when it was not a clean completion. */
  reason: v.optional(line(1024)),
};

export const AGENT_OUTCOMES = ["completed", "failed", "timed-out", "cancelled"] as const;
export const AgentOutcomeSchema = v.picklist(
  AGENT_OUTCOMES,
  'expected "completed", "failed", "timed-out" or "cancelled"',
);
export type AgentOutcome = v.InferOutput<typeof AgentOutcomeSchema>;

export const ResourceSchema = v.object({
  resourceId: ArmIdSchema,
  type: ResourceTypeSchema,
});

export function boundedArray<TItem extends v.GenericSchema>(
  item: TItem,
  min: number,
  max: number,
  what: string,
) {
  return v.pipe(
    v.array(item),
    v.minLength(min, `expected at least ${min} ${what}`),
    v.maxLength(max, `expected at most ${max} ${what}`),
  );
}
