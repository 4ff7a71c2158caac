import * as v from "valibot";
import { ArmIdSchema, ResourceTypeSchema } from "../azure-refs.ts";
import { line, text } from "../text.ts";
import { TimestampSchema } from "../time.ts";
import { agentKeyEntries, fieldCheck } from "./shared.ts";

// What a running agent reports about itself. These four share one topic, so an agent's identity needs
// send rights on that topic only.

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

const LogFieldValueSchema = v.union(
  [line(1024), v.number(), v.boolean(), v.null()],
  "expected a string, number, boolean or null",
);

const LogFieldsSchema = v.pipe(
  v.record(
    v.pipe(
      v.string(),
      v.regex(
        /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/,
        "expected a field name of up to 64 letters, digits, '_', '.' or '-'",
      ),
    ),
    LogFieldValueSchema,
  ),
  v.check((fields) => Object.keys(fields).length <= 32, "expected at most 32 fields"),
);

export const AgentLogDataSchema = v.object({
  ...agentKeyEntries,
  level: v.picklist(LOG_LEVELS, 'expected "debug", "info", "warn" or "error"'),
  message: text(4096),
  at: TimestampSchema,
  fields: v.optional(LogFieldsSchema),
});
export type AgentLogData = v.InferOutput<typeof AgentLogDataSchema>;

/** An agent created or deleted one resource; used to build the resources projection. */
export const AgentResourceDataSchema = v.object({
  ...agentKeyEntries,
  resourceId: ArmIdSchema,
  resourceType: ResourceTypeSchema,
  at: TimestampSchema,
});
export type AgentResourceData = v.InferOutput<typeof AgentResourceDataSchema>;

const positiveInteger = (what: string) =>
  v.pipe(
    v.number(),
    v.integer(`expected an integer ${what}`),
    v.minValue(1, `expected a ${what} of at least 1`),
  );

export const AGENT_STAGES = ["deploy", "operate", "cleanup"] as const;

export const AgentProgressDataSchema = v.pipe(
  v.object({
    ...agentKeyEntries,
    stage: v.picklist(AGENT_STAGES, 'expected "deploy", "operate" or "cleanup"'),
    step: v.pipe(positiveInteger("step"), v.maxValue(10_000, "expected a step of at most 10000")),
    stepsTotal: v.optional(
      v.pipe(positiveInteger("step count"), v.maxValue(10_000, "expected at most 10000 steps")),
    ),
    /** Which pass through the operate stage, which repeats for the run's duration. */
    iteration: v.optional(positiveInteger("iteration")),
    message: v.optional(line(1024)),
  }),
  fieldCheck(
    "step",
    (input) => input.stepsTotal === undefined || input.step <= input.stepsTotal,
    "expected step to be at most stepsTotal",
  ),
);
export type AgentProgressData = v.InferOutput<typeof AgentProgressDataSchema>;
