// The executions projection. A run's status is not stored as the last thing that happened but derived from
// everything that has happened (which terminal events arrived, whether cancellation was asked for, how many
// agents are at each stage). Those facts only accumulate, so the status only moves forward, whatever order
// the events arrive in.
import type { EventOf } from "@haymaker/contracts";
import {
  AGENT_PIPELINE_STAGES,
  type AgentPipelineStage,
  type ExecutionRecord,
  type ExecutionStatus,
} from "../records.ts";
import { earliest, instant, isNewer, latest, mergeFields, sortedUnion, withoutUndefined } from "./merge.ts";

export type RunEvent = EventOf<
  "run.requested" | "run.validated" | "run.rejected" | "run.completed" | "run.failed" | "run.cancel.requested"
>;

export function newExecution(runId: string, at: string): ExecutionRecord {
  return {
    runId,
    status: "requested",
    scenarioIds: [],
    agentCounts: {
      byStage: Object.fromEntries(AGENT_PIPELINE_STAGES.map((stage) => [stage, 0])) as Record<
        AgentPipelineStage,
        number
      >,
    },
    sortAt: at,
    updatedAt: at,
  };
}

export function applyRunEvent(current: ExecutionRecord | undefined, event: RunEvent): ExecutionRecord {
  const at = instant(event.time);
  const before = current ?? newExecution(event.data.runId, at);
  const newer = isNewer(at, current?.updatedAt);
  let next: ExecutionRecord;
  switch (event.type) {
    case "com.haymaker.run.requested.v1":
      next = mergeFields(before, requestFields(event.data), newer);
      break;
    case "com.haymaker.run.validated.v1":
      next = mergeFields(before, { ...requestFields(event.data), checks: event.data.checks }, newer);
      next.validatedAt = earliest(before.validatedAt, at);
      break;
    case "com.haymaker.run.rejected.v1":
      next = mergeFields(
        before,
        { ...requestFields(event.data), failedChecks: event.data.failedChecks },
        newer,
      );
      next.rejectedAt = earliest(before.rejectedAt, at);
      break;
    case "com.haymaker.run.completed.v1":
      next = mergeFields(before, { summary: event.data.summary, report: event.data.report }, newer);
      next.completedAt = earliest(before.completedAt, at);
      break;
    case "com.haymaker.run.failed.v1":
      next = mergeFields(before, { failure: { phase: event.data.phase, reason: event.data.reason } }, newer);
      next.failedAt = earliest(before.failedAt, at);
      break;
    case "com.haymaker.run.cancel.requested.v1": {
      // The first request is the one that cancelled the run; later ones change nothing.
      const request = { requestedBy: event.data.requestedBy, reason: event.data.reason, requestedAt: at };
      const keepFirst = before.cancellation && before.cancellation.requestedAt <= at;
      next = { ...before, cancellation: keepFirst ? before.cancellation : withoutUndefined(request) };
      break;
    }
  }
  next.updatedAt = latest(before.updatedAt, at) as string;
  next.sortAt = earliest(before.sortAt, at) as string;
  return settleExecution(next);
}

function requestFields(data: EventOf<"run.requested">["data"]): Partial<ExecutionRecord> {
  return {
    requestedBy: data.requestedBy,
    requestedAt: instant(data.requestedAt),
    size: data.size,
    scenarios: data.scenarios,
    duration: data.duration,
    tags: data.tags,
  };
}

/** Records an agent's move from one stage to another (or its first appearance) in the run's counts. */
export function countAgentStage(
  execution: ExecutionRecord,
  agent: { scenarioId: string; total?: number },
  before: AgentPipelineStage | undefined,
  after: AgentPipelineStage,
  at: string,
): ExecutionRecord {
  const byStage = { ...execution.agentCounts.byStage };
  if (before !== after) {
    if (before !== undefined) byStage[before] -= 1;
    byStage[after] += 1;
  }
  const expected = agent.total === undefined ? execution.agentCounts.expected : agent.total;
  const next: ExecutionRecord = {
    ...execution,
    scenarioIds: sortedUnion(execution.scenarioIds, [agent.scenarioId]),
    agentCounts: {
      ...withoutUndefined({ expected }),
      byStage,
    },
    sortAt: earliest(execution.sortAt, at) as string,
    updatedAt: latest(execution.updatedAt, at) as string,
  };
  return settleExecution(next);
}

/** Recomputes what follows from the facts: status, when it ended, how long it took, its sort key. */
function settleExecution(execution: ExecutionRecord): ExecutionRecord {
  const status = statusOf(execution);
  const endedAt = endedAtOf(execution, status);
  const { endedAt: _endedAt, elapsedMs: _elapsedMs, ...rest } = execution;
  const elapsedMs =
    endedAt && execution.requestedAt ? Date.parse(endedAt) - Date.parse(execution.requestedAt) : undefined;
  return {
    ...rest,
    status,
    ...withoutUndefined({ endedAt, elapsedMs }),
    sortAt: execution.requestedAt ?? execution.sortAt,
  };
}

function agentsAtOrBeyond(execution: ExecutionRecord, stage: AgentPipelineStage): number {
  return AGENT_PIPELINE_STAGES.slice(AGENT_PIPELINE_STAGES.indexOf(stage)).reduce(
    (sum, each) => sum + execution.agentCounts.byStage[each],
    0,
  );
}

function statusOf(execution: ExecutionRecord): ExecutionStatus {
  if (execution.rejectedAt) return "rejected";
  // A run that failed and was then completed after all (the report phase retried) is completed, and the
  // other way round: the later word counts.
  const completed = execution.completedAt;
  const failed = execution.failedAt;
  if (completed && (!failed || completed >= failed)) {
    return execution.cancellation && (execution.summary?.cancelled ?? 0) > 0 ? "cancelled" : "completed";
  }
  if (failed) return "failed";
  if (execution.cancellation) return "cancelling";
  const { expected } = execution.agentCounts;
  if (expected !== undefined && agentsAtOrBeyond(execution, "finished") >= expected) return "cleaning";
  if (agentsAtOrBeyond(execution, "deployed") > 0) return "running";
  if (execution.validatedAt || agentsAtOrBeyond(execution, "selected") > 0) return "validated";
  return "requested";
}

function endedAtOf(execution: ExecutionRecord, status: ExecutionStatus): string | undefined {
  switch (status) {
    case "rejected":
      return execution.rejectedAt;
    case "completed":
    case "cancelled":
      return execution.completedAt;
    case "failed":
      return execution.failedAt;
    default:
      return undefined;
  }
}
