// The records the projections keep: document-shaped (one JSON object each, no references to resolve at
// read time), each belonging to one run, whose id is the partition key a Cosmos DB adapter stores it under.
// Timestamps are normalised to UTC ISO strings (2026-11-24T06:00:00.000Z) so they compare as text.
// No record holds a secret: identities carry their secret's reference (a Key Vault id or local:<name>) only.
import type {
  AgentOutcome,
  CleanedAgent,
  CleanupCompletedData,
  EventData,
  HayMakerEvent,
  RunFailedData,
  RunSize,
} from "@haymaker/contracts";

export const EXECUTION_STATUSES = [
  "requested",
  "validated",
  "rejected",
  "running",
  "cleaning",
  "completed",
  "failed",
  "cancelling",
  "cancelled",
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** Where an agent is in the pipeline, in the order it gets there; it never moves back. */
export const AGENT_PIPELINE_STAGES = [
  "selected",
  "provisioned",
  "deployed",
  "running",
  "finished",
  "cleanup-required",
  "cleaned",
] as const;
export type AgentPipelineStage = (typeof AGENT_PIPELINE_STAGES)[number];

export const RESOURCE_STATUSES = ["created", "deleted", "left"] as const;
export type ResourceStatus = (typeof RESOURCE_STATUSES)[number];

export type RunSummary = EventData<"run.completed">["summary"];
export type ValidationCheck = EventData<"run.validated">["checks"][number];
export type FailedCheck = EventData<"run.rejected">["failedChecks"][number];

export interface ExecutionRecord {
  runId: string;
  status: ExecutionStatus;
  requestedBy?: string;
  requestedAt?: string;
  size?: RunSize;
  /** The scenarios the request named (runs asked for by size have none). */
  scenarios?: string[];
  /** Every scenario an agent of this run performs, sorted: what the scenario filter matches. */
  scenarioIds: string[];
  /** How long each agent operates, as requested (ISO 8601, e.g. "PT8H"). */
  duration?: string;
  tags?: Record<string, string>;
  checks?: ValidationCheck[];
  failedChecks?: FailedCheck[];
  agentCounts: {
    /** How many agents the run selected, once an agent event has said so. */
    expected?: number;
    /** How many agents are at each stage now (their sum: how many the projection has heard of). */
    byStage: Record<AgentPipelineStage, number>;
  };
  summary?: RunSummary;
  report?: { json: string; markdown: string };
  failure?: { phase: RunFailedData["phase"]; reason: string };
  cancellation?: { requestedBy: string; reason?: string; requestedAt: string };
  validatedAt?: string;
  rejectedAt?: string;
  completedAt?: string;
  failedAt?: string;
  /** When the run reached its final status (rejected, completed, failed or cancelled). */
  endedAt?: string;
  /** requestedAt → endedAt, in milliseconds. */
  elapsedMs?: number;
  /** What lists order runs by: requestedAt, or the first event seen before the request itself arrived. */
  sortAt: string;
  /** The time of the newest event applied. */
  updatedAt: string;
}

export interface AgentProgress {
  stage: EventData<"agent.progress">["stage"];
  step: number;
  stepsTotal?: number;
  iteration?: number;
  message?: string;
  /** When the agent reported it (the event's time). */
  at: string;
}

export interface AgentRecord {
  runId: string;
  agentId: string;
  scenarioId: string;
  index?: number;
  total?: number;
  stage: AgentPipelineStage;
  /** When the agent first reached each stage (the time of the event that said so). */
  timeline?: Partial<Record<AgentPipelineStage, string>>;
  outcome?: AgentOutcome;
  duration?: string;
  deadline?: string;
  tags?: Record<string, string>;
  resourceGroup?: string;
  identity?: { displayName: string; appId: string };
  runtimeRef?: string;
  progress?: AgentProgress;
  /** The highest check number monitor has reached. */
  checkNumber?: number;
  deployedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  reason?: string;
  /** How many resources verify-cleanup found still tagged with the agent. */
  leftoversFound?: number;
  cleanedAt?: string;
  /** Counts over this agent's resource records: every one known, and how many are deleted or left. */
  resources: { created: number; deleted: number; left: number };
  /** What force-cleanup deleted and could not delete, as agent.cleaned reported. */
  deleted?: string[];
  notDeleted?: Array<{ resourceId: string; reason: string }>;
  /** How many log lines the agent has sent; the newest one's sequence number. */
  logCount: number;
  lastLogAt?: string;
  updatedAt: string;
}

export interface ResourceDeletion {
  at: string;
  /** The agent reported deleting it, or cleanup did (or verified it gone). */
  by: "agent" | "cleanup";
}

export interface ResourceRecord {
  /** The resource's id in the projections: see resourceRecordId(). */
  id: string;
  /** Its ARM id as first reported. */
  resourceId: string;
  runId: string;
  agentId: string;
  scenarioId: string;
  type: string;
  status: ResourceStatus;
  createdAt?: string;
  deletedAt?: string;
  deletedBy?: ResourceDeletion["by"];
  /** When cleanup last reported it could not delete it, and why. */
  leftAt?: string;
  leftReason?: string;
  /** Every deletion reported; status and deletedAt follow from these and leftAt whatever order they came in. */
  deletionsSeen: ResourceDeletion[];
  updatedAt: string;
}

export interface IdentityRecord {
  runId: string;
  agentId: string;
  scenarioId: string;
  displayName?: string;
  appId?: string;
  objectId?: string;
  servicePrincipalId?: string;
  tenantId?: string;
  roles?: Array<{ role: string; scope: string }>;
  resourceGroup?: string;
  /** Where the identity's secret is kept (a reference, never the secret). */
  secretRef?: string;
  createdAt?: string;
  identityDeleted: boolean;
  secretDeleted: boolean;
  deletedAt?: string;
  updatedAt: string;
}

export interface LogRecord {
  runId: string;
  agentId: string;
  scenarioId: string;
  /** 1, 2, 3… per agent, in the order the projection received the lines. */
  sequence: number;
  level: EventData<"agent.log">["level"];
  message: string;
  at: string;
  fields?: Record<string, string | number | boolean | null>;
  eventId: string;
}

/**
 * One event of a run as the projection applied it, for following a run as it happens. Every event type but
 * agent.log (an agent's lines are in its log) is kept, each id once.
 */
export interface RunEventRecord {
  runId: string;
  /** 1, 2, 3… per run, in the order the projection applied the events. */
  sequence: number;
  /** The CloudEvent as it was applied: attributes and data. */
  event: HayMakerEvent;
}

export const CLEANUP_STATUSES = ["requested", "completed"] as const;
export type CleanupStatus = (typeof CLEANUP_STATUSES)[number];

/**
 * A cleanup an operator asked for: requested when the gateway published it, completed with what
 * force-cleanup deleted and could not. Belongs to no run (a scenario's cleanup spans runs); kept under its
 * own id. Holds no secret reference.
 */
export interface CleanupRecord {
  cleanupId: string;
  status: CleanupStatus;
  runId?: string;
  scenarioId?: string;
  requestedBy?: string;
  requestedAt?: string;
  /** How many agents the request named from the projections (their identities and secrets). */
  agentsNamed?: number;
  completedAt?: string;
  /** Per agent: resources deleted and not (with why), its identity and secret. */
  agents?: CleanedAgent[];
  /** Resources found by tag that name no run and agent. */
  unowned?: CleanupCompletedData["unowned"];
  counts?: CleanupCompletedData["counts"];
  /** Some deleted resource ids were left out of the lists (the counts are complete). */
  truncated?: boolean;
  updatedAt: string;
}

/** A run with every agent the projection knows of, ordered by agent id. */
export interface ExecutionWithAgents {
  execution: ExecutionRecord;
  agents: AgentRecord[];
}
