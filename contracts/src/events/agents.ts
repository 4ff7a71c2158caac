import * as v from "valibot";
import {
  ArmIdSchema,
  IdentitySchema,
  ResourceGroupNameSchema,
  resourceGroupOf,
  SecretRefSchema,
} from "../azure-refs.ts";
import { line, TagsSchema } from "../text.ts";
import { RunDurationSchema, TimestampSchema } from "../time.ts";
import {
  AgentOutcomeSchema,
  agentEstateEntries,
  agentKeyEntries,
  agentTimelineEntries,
  boundedArray,
  fieldCheck,
  indexWithinTotal,
  MAX_RESOURCES_PER_AGENT,
  positionEntries,
  ResourceSchema,
} from "./shared.ts";

// Events about one agent on its way through the pipeline:
// selected → identity provisioned → deployed → checked (repeatedly) → finished → cleanup required → cleaned.

export const AgentSelectedDataSchema = v.pipe(
  v.object({
    ...agentKeyEntries,
    ...positionEntries,
    duration: RunDurationSchema,
    /** When the agent must have finished; monitor times it out after this. */
    deadline: TimestampSchema,
    tags: TagsSchema,
  }),
  indexWithinTotal(),
);
export type AgentSelectedData = v.InferOutput<typeof AgentSelectedDataSchema>;

const RoleAssignmentSchema = v.object({
  /** A role definition name ("Contributor") or id. */
  role: line(128),
  scope: ArmIdSchema,
});

/**
 * The agent has its own identity, allowed into its own resource group only (docs/architecture.md, least privilege);
 * its secret sits in the secret store and only its reference travels.
 */
export const IdentityProvisionedDataSchema = v.pipe(
  v.object({
    ...agentKeyEntries,
    ...positionEntries,
    resourceGroup: ResourceGroupNameSchema,
    identity: IdentitySchema,
    secretRef: SecretRefSchema,
    roles: boundedArray(RoleAssignmentSchema, 1, 10, "role assignments"),
    deadline: TimestampSchema,
    tags: TagsSchema,
  }),
  indexWithinTotal(),
  fieldCheck(
    "roles",
    (input) => input.roles.every((role) => resourceGroupOf(role.scope) === input.resourceGroup.toLowerCase()),
    "expected every role scope to lie inside the agent's resource group",
  ),
);
export type IdentityProvisionedData = v.InferOutput<typeof IdentityProvisionedDataSchema>;

export const AgentDeployedDataSchema = v.pipe(
  v.object({
    ...agentKeyEntries,
    ...positionEntries,
    ...agentEstateEntries,
    deployedAt: TimestampSchema,
    deadline: TimestampSchema,
  }),
  indexWithinTotal(),
);
export type AgentDeployedData = v.InferOutput<typeof AgentDeployedDataSchema>;

/** A scheduled message monitor sends itself: look at the agent again (never sleep in a handler). */
export const AgentCheckDataSchema = v.pipe(
  v.object({
    ...agentKeyEntries,
    ...positionEntries,
    ...agentEstateEntries,
    deadline: TimestampSchema,
    deployedAt: v.optional(TimestampSchema),
    checkNumber: v.pipe(
      v.number(),
      v.integer("expected an integer"),
      v.minValue(1, "expected a check number of at least 1"),
      v.maxValue(100_000, "expected a check number of at most 100000"),
    ),
  }),
  indexWithinTotal(),
);
export type AgentCheckData = v.InferOutput<typeof AgentCheckDataSchema>;

export const AgentFinishedDataSchema = v.pipe(
  v.object({
    ...agentKeyEntries,
    ...positionEntries,
    ...agentEstateEntries,
    outcome: AgentOutcomeSchema,
    deployedAt: v.optional(TimestampSchema),
    exitCode: v.optional(
      v.pipe(
        v.number(),
        v.integer("expected an integer exit code"),
        v.minValue(-2147483648, "expected a 32-bit exit code"),
        v.maxValue(2147483647, "expected a 32-bit exit code"),
      ),
    ),
    finishedAt: TimestampSchema,
    reason: v.optional(line(1024)),
  }),
  indexWithinTotal(),
);
export type AgentFinishedData = v.InferOutput<typeof AgentFinishedDataSchema>;

/** What verify-cleanup found still tagged with the agent, plus everything else force-cleanup must delete. */
export const CleanupRequiredDataSchema = v.pipe(
  v.object({
    ...agentKeyEntries,
    ...positionEntries,
    ...agentEstateEntries,
    ...agentTimelineEntries,
    outcome: AgentOutcomeSchema,
    leftovers: boundedArray(ResourceSchema, 0, MAX_RESOURCES_PER_AGENT, "leftovers"),
  }),
  indexWithinTotal(),
);
export type CleanupRequiredData = v.InferOutput<typeof CleanupRequiredDataSchema>;

export const AgentCleanedDataSchema = v.pipe(
  v.object({
    ...agentKeyEntries,
    ...positionEntries,
    ...agentTimelineEntries,
    /** Whose activity-log operations the report attributes to this agent. */
    identity: IdentitySchema,
    resourceGroup: ResourceGroupNameSchema,
    outcome: AgentOutcomeSchema,
    deleted: boundedArray(ArmIdSchema, 0, MAX_RESOURCES_PER_AGENT, "resource ids"),
    notDeleted: boundedArray(
      v.object({ resourceId: ArmIdSchema, reason: line(1024) }),
      0,
      MAX_RESOURCES_PER_AGENT,
      "resources",
    ),
    identityDeleted: v.boolean(),
    secretDeleted: v.boolean(),
  }),
  indexWithinTotal(),
);
export type AgentCleanedData = v.InferOutput<typeof AgentCleanedDataSchema>;
