import * as v from "valibot";
import { ArmIdSchema, IdentitySchema, SecretRefSchema } from "../azure-refs.ts";
import { AgentIdSchema, CleanupIdSchema, RunIdSchema, ScenarioIdSchema } from "../ids.ts";
import { line, PrincipalSchema } from "../text.ts";
import { TimestampSchema } from "../time.ts";
import { boundedArray, MAX_RESOURCES_PER_AGENT } from "./shared.ts";

// Requests an operator makes through the gateway or the CLI, outside the normal flow of a run.

export const RunCancelRequestedDataSchema = v.object({
  runId: RunIdSchema,
  requestedBy: PrincipalSchema,
  reason: v.optional(line(1024)),
});
export type RunCancelRequestedData = v.InferOutput<typeof RunCancelRequestedDataSchema>;

/**
 * The most agents one operator cleanup names. Their identities and secrets are deleted from what the
 * projections know; anything beyond is still deleted by tag (identities too, by the name provision gives
 * them), only its secret is not. Keeps the events well inside a Service Bus message (256 KB).
 */
export const MAX_CLEANUP_AGENTS = 200;
/** The most resource ids one cleanup.completed lists; its counts are always complete. */
export const MAX_CLEANUP_LISTED_RESOURCES = MAX_RESOURCES_PER_AGENT;

/** A cleanup names a run, a scenario, or both. TInput is inferred from the pipe it is placed in. */
function runOrScenario<TInput extends { runId?: string; scenarioId?: string }>() {
  return v.check<TInput, string>(
    (input) => input.runId !== undefined || input.scenarioId !== undefined,
    'expected at least one of "runId" or "scenarioId"',
  );
}

/** An agent the projections know is not fully cleaned up: its identity and its secret's reference. */
export const CleanupAgentSchema = v.object({
  runId: RunIdSchema,
  agentId: AgentIdSchema,
  scenarioId: ScenarioIdSchema,
  identity: v.optional(IdentitySchema),
  /** A reference, never the secret. */
  secretRef: v.optional(SecretRefSchema),
});
export type CleanupAgent = v.InferOutput<typeof CleanupAgentSchema>;

/**
 * Delete whatever is tagged with a run and/or a scenario, and the identities and secrets of `agents`
 * (what the projections know of) besides those found by tag; dryRun only lists it.
 */
export const CleanupRequestedDataSchema = v.pipe(
  v.object({
    cleanupId: CleanupIdSchema,
    runId: v.optional(RunIdSchema),
    scenarioId: v.optional(ScenarioIdSchema),
    dryRun: v.boolean(),
    requestedBy: PrincipalSchema,
    agents: v.optional(boundedArray(CleanupAgentSchema, 0, MAX_CLEANUP_AGENTS, "agents"), []),
  }),
  runOrScenario(),
);
export type CleanupRequestedData = v.InferOutput<typeof CleanupRequestedDataSchema>;

/** The longest reason cleanup.completed carries for something it could not delete. */
export const MAX_CLEANUP_REASON_LENGTH = 300;

/** Why something could not be deleted: one short line (status and code), never a body or a secret. */
const ReasonSchema = line(MAX_CLEANUP_REASON_LENGTH);

const NotDeletedSchema = v.object({ resourceId: ArmIdSchema, reason: ReasonSchema });

/** Whether one identity or secret is gone: 404 counts as gone, and `reason` says why one is not. */
const DeletionOutcomeSchema = v.object({ deleted: v.boolean(), reason: v.optional(ReasonSchema) });

/** What one agent's part of a cleanup did. Every resource of the agent not in notDeleted is gone. */
export const CleanedAgentSchema = v.object({
  runId: RunIdSchema,
  agentId: AgentIdSchema,
  scenarioId: ScenarioIdSchema,
  deleted: v.array(ArmIdSchema),
  notDeleted: v.array(NotDeletedSchema),
  /** Absent when no identity of the agent was known or found. */
  identity: v.optional(v.object({ displayName: line(120), ...DeletionOutcomeSchema.entries })),
  /** Absent when the projections knew no secret of the agent. */
  secret: v.optional(DeletionOutcomeSchema),
});
export type CleanedAgent = v.InferOutput<typeof CleanedAgentSchema>;

const count = v.pipe(v.number(), v.integer("expected an integer"), v.minValue(0, "expected at least 0"));

/** What an operator's cleanup deleted and what it could not, per agent; answers cleanup.requested. */
export const CleanupCompletedDataSchema = v.pipe(
  v.object({
    cleanupId: CleanupIdSchema,
    runId: v.optional(RunIdSchema),
    scenarioId: v.optional(ScenarioIdSchema),
    requestedBy: PrincipalSchema,
    completedAt: TimestampSchema,
    agents: boundedArray(CleanedAgentSchema, 0, MAX_CLEANUP_AGENTS, "agents"),
    /** Resources found by tag that name no run and agent. */
    unowned: v.object({ deleted: v.array(ArmIdSchema), notDeleted: v.array(NotDeletedSchema) }),
    counts: v.object({
      resourcesDeleted: count,
      resourcesNotDeleted: count,
      identitiesDeleted: count,
      identitiesNotDeleted: count,
      secretsDeleted: count,
      secretsNotDeleted: count,
    }),
    /** True when some deleted resource ids were left out of the lists to keep the event small. */
    truncated: v.optional(v.boolean(), false),
  }),
  runOrScenario(),
  v.check(
    (input) =>
      input.agents.reduce((sum, agent) => sum + agent.deleted.length + agent.notDeleted.length, 0) +
        input.unowned.deleted.length +
        input.unowned.notDeleted.length <=
      MAX_CLEANUP_LISTED_RESOURCES,
    `expected at most ${MAX_CLEANUP_LISTED_RESOURCES} resource ids listed in all`,
  ),
);
export type CleanupCompletedData = v.InferOutput<typeof CleanupCompletedDataSchema>;
