import * as v from "valibot";
import { RunIdSchema, ScenarioIdSchema } from "../ids.ts";
import { line, PrincipalSchema } from "../text.ts";

// Requests an operator makes through the gateway or the CLI, outside the normal flow of a run.

export const RunCancelRequestedDataSchema = v.object({
  runId: RunIdSchema,
  requestedBy: PrincipalSchema,
  reason: v.optional(line(1024)),
});
export type RunCancelRequestedData = v.InferOutput<typeof RunCancelRequestedDataSchema>;

/** Delete whatever is tagged with a run and/or a scenario; dryRun only lists it. */
export const CleanupRequestedDataSchema = v.pipe(
  v.object({
    runId: v.optional(RunIdSchema),
    scenarioId: v.optional(ScenarioIdSchema),
    dryRun: v.boolean(),
    requestedBy: PrincipalSchema,
  }),
  v.check(
    (input) => input.runId !== undefined || input.scenarioId !== undefined,
    'expected at least one of "runId" or "scenarioId"',
  ),
);
export type CleanupRequestedData = v.InferOutput<typeof CleanupRequestedDataSchema>;
