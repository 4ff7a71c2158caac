// The agents projection: one record per agent, filled in by every event about it. Its stage only moves
// forward (a late progress report never moves a cleaned agent back); its other fields follow the newest
// event, older ones only filling gaps.
import type { EventOf } from "@haymaker/contracts";
import { AGENT_PIPELINE_STAGES, type AgentPipelineStage, type AgentRecord } from "../records.ts";
import { instant, isNewer, latest, mergeFields, withoutUndefined } from "./merge.ts";

export type AgentEvent = EventOf<
  | "agent.selected"
  | "identity.provisioned"
  | "agent.deployed"
  | "agent.check"
  | "agent.finished"
  | "cleanup.required"
  | "agent.cleaned"
  | "agent.log"
  | "agent.progress"
  | "agent.resource.created"
  | "agent.resource.deleted"
>;

const STAGE_REACHED: Record<AgentEvent["type"], AgentPipelineStage> = {
  "com.haymaker.agent.selected.v1": "selected",
  "com.haymaker.identity.provisioned.v1": "provisioned",
  "com.haymaker.agent.deployed.v1": "deployed",
  "com.haymaker.agent.check.v1": "running",
  "com.haymaker.agent.finished.v1": "finished",
  "com.haymaker.cleanup.required.v1": "cleanup-required",
  "com.haymaker.agent.cleaned.v1": "cleaned",
  // Only a running agent sends telemetry.
  "com.haymaker.agent.log.v1": "running",
  "com.haymaker.agent.progress.v1": "running",
  "com.haymaker.agent.resource.created.v1": "running",
  "com.haymaker.agent.resource.deleted.v1": "running",
};

function furtherStage(a: AgentPipelineStage, b: AgentPipelineStage): AgentPipelineStage {
  return AGENT_PIPELINE_STAGES.indexOf(a) >= AGENT_PIPELINE_STAGES.indexOf(b) ? a : b;
}

function newAgent(event: AgentEvent, at: string): AgentRecord {
  const { runId, agentId, scenarioId } = event.data;
  return {
    runId,
    agentId,
    scenarioId,
    stage: STAGE_REACHED[event.type],
    resources: { created: 0, deleted: 0, left: 0 },
    logCount: 0,
    updatedAt: at,
  };
}

export function applyAgentEvent(current: AgentRecord | undefined, event: AgentEvent): AgentRecord {
  const at = instant(event.time);
  const before = current ?? newAgent(event, at);
  const next = mergeFields(before, fieldsOf(event), isNewer(at, current?.updatedAt));
  const reached = STAGE_REACHED[event.type];
  next.stage = furtherStage(before.stage, reached);
  // When each stage was first reached, whatever order the events came in: how long every hop took.
  const earlier = before.timeline?.[reached];
  next.timeline = { ...before.timeline, [reached]: earlier === undefined || at < earlier ? at : earlier };
  next.updatedAt = latest(before.updatedAt, at) as string;
  switch (event.type) {
    case "com.haymaker.agent.check.v1":
      next.checkNumber = Math.max(before.checkNumber ?? 0, event.data.checkNumber);
      break;
    case "com.haymaker.agent.progress.v1":
      if (!before.progress || at >= before.progress.at) {
        const { stage, step, stepsTotal, iteration, message } = event.data;
        next.progress = withoutUndefined({ stage, step, stepsTotal, iteration, message, at });
      }
      break;
    case "com.haymaker.agent.log.v1":
      next.logCount = before.logCount + 1;
      next.lastLogAt = latest(before.lastLogAt, instant(event.data.at));
      break;
  }
  return next;
}

/** The fields an event states about its agent, with timestamps normalised. */
function fieldsOf(event: AgentEvent): Partial<AgentRecord> {
  const { scenarioId } = event.data;
  const optionalInstant = (value: string | undefined) => (value === undefined ? undefined : instant(value));
  switch (event.type) {
    case "com.haymaker.agent.selected.v1": {
      const { index, total, duration, deadline, tags } = event.data;
      return { scenarioId, index, total, duration, deadline: instant(deadline), tags };
    }
    case "com.haymaker.identity.provisioned.v1": {
      const { index, total, resourceGroup, identity, deadline, tags } = event.data;
      return {
        scenarioId,
        index,
        total,
        resourceGroup,
        identity: { displayName: identity.displayName, appId: identity.appId },
        deadline: instant(deadline),
        tags,
      };
    }
    case "com.haymaker.agent.deployed.v1":
    case "com.haymaker.agent.check.v1":
    case "com.haymaker.agent.finished.v1":
    case "com.haymaker.cleanup.required.v1": {
      const data = event.data;
      const fields: Partial<AgentRecord> = {
        scenarioId,
        index: data.index,
        total: data.total,
        resourceGroup: data.resourceGroup,
        identity: { displayName: data.identity.displayName, appId: data.identity.appId },
        runtimeRef: data.runtimeRef,
      };
      if ("deadline" in data) fields.deadline = instant(data.deadline);
      if ("deployedAt" in data) fields.deployedAt = optionalInstant(data.deployedAt);
      if ("finishedAt" in data) fields.finishedAt = optionalInstant(data.finishedAt);
      if ("outcome" in data) fields.outcome = data.outcome;
      if ("reason" in data) fields.reason = data.reason;
      if ("exitCode" in data) fields.exitCode = data.exitCode;
      if ("leftovers" in data) fields.leftoversFound = data.leftovers.length;
      return fields;
    }
    case "com.haymaker.agent.cleaned.v1": {
      const data = event.data;
      return {
        scenarioId,
        index: data.index,
        total: data.total,
        resourceGroup: data.resourceGroup,
        identity: { displayName: data.identity.displayName, appId: data.identity.appId },
        deployedAt: optionalInstant(data.deployedAt),
        finishedAt: optionalInstant(data.finishedAt),
        reason: data.reason,
        outcome: data.outcome,
        cleanedAt: instant(event.time),
        deleted: data.deleted,
        notDeleted: data.notDeleted,
      };
    }
    case "com.haymaker.agent.log.v1":
    case "com.haymaker.agent.progress.v1":
    case "com.haymaker.agent.resource.created.v1":
    case "com.haymaker.agent.resource.deleted.v1":
      return { scenarioId };
  }
}
