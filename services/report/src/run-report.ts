// The run report as data: what report.json holds and report.md renders. Built from what the pipeline
// carried to the end (agent.cleaned: outcome, timeline, what cleanup deleted and could not) and from the
// Activity Log, which says what each agent's identity actually did — including what it was refused.
import type { ActivityRecord } from "@haymaker/cloud-control";
import {
  type AgentOutcome,
  looksLikeSecret,
  type RunCompletedData,
  type RunRejectedData,
} from "@haymaker/contracts";
import type { CleanedAgent, RunFailure } from "./run-ledger.ts";

export const REPORT_VERSION = 1;

export type RunSummary = RunCompletedData["summary"];

export interface FailedOperation {
  timestamp: string;
  operationName: string;
  resourceId: string;
  status: string;
  /** The HTTP status by name ("Forbidden"), when the Activity Log gives it. */
  statusCode?: string;
}

export interface AgentActivity {
  /** The window the Activity Log was read for. */
  from: string;
  to: string;
  /** Operations by the agent's identity. */
  total: number;
  byOperation: Record<string, number>;
  failed: FailedOperation[];
}

export interface AgentReport {
  agentId: string;
  scenarioId: string;
  outcome: AgentOutcome;
  deployedAt?: string;
  finishedAt?: string;
  /** deployedAt → finishedAt, when both are known. */
  durationSeconds?: number;
  cleanedAt: string;
  resourceGroup: string;
  identity: { displayName: string; appId: string; deleted: boolean };
  secretDeleted: boolean;
  resources: {
    /** Created by the agent's identity (a succeeded PUT in the Activity Log). */
    created: string[];
    /** Deleted by the agent itself, or by cleanup (its resource group included). */
    deleted: string[];
    /** What cleanup could not delete. */
    left: { resourceId: string; reason: string }[];
  };
  activity: AgentActivity;
  /** Why the agent ended as it did, and what cleanup could not do. */
  errors: string[];
}

export interface RunReport {
  reportVersion: typeof REPORT_VERSION;
  runId: string;
  /** "completed" once every agent is cleaned; "failed" or "rejected" when the run as a whole did not work. */
  status: "completed" | "failed" | "rejected";
  generatedAt: string;
  summary: RunSummary;
  rejection?: {
    requestedBy: string;
    requestedAt: string;
    failedChecks: { name: string; message: string }[];
  };
  failure?: { phase: string; reason: string; failedAt: string };
  agents: AgentReport[];
}

const DONE = new Set(["succeeded", "accepted"]);

export function buildAgentReport(
  agent: CleanedAgent,
  activity: readonly ActivityRecord[],
  window: { from: Date; to: Date },
): AgentReport {
  const { data } = agent;
  const mine = activity.filter((record) => record.caller.toLowerCase() === data.identity.appId.toLowerCase());
  const succeeded = (method: string) =>
    mine
      // A long-running PUT or DELETE is logged "Accepted" when it starts; the agent waits for every one.
      .filter((r) => r.httpMethod.toUpperCase() === method && DONE.has(r.status.toLowerCase()))
      .map((r) => r.resourceId);
  const byOperation: Record<string, number> = {};
  for (const name of mine.map((r) => r.operationName).sort())
    byOperation[name] = (byOperation[name] ?? 0) + 1;
  const failed = mine
    .filter((r) => r.status.toLowerCase() === "failed")
    .sort((a, b) => a.timestamp.localeCompare(b.timestamp))
    .map((r) => ({
      timestamp: r.timestamp,
      operationName: r.operationName,
      resourceId: r.resourceId,
      status: r.status,
      ...(r.statusCode === undefined ? {} : { statusCode: r.statusCode }),
    }));
  const left = data.notDeleted.map(({ resourceId, reason }) => ({ resourceId, reason: safe(reason) }));
  const errors = [
    ...(data.reason === undefined ? [] : [safe(data.reason)]),
    ...left.map(({ resourceId, reason }) => `could not delete ${resourceId}: ${reason}`),
    ...(data.identityDeleted ? [] : [`identity ${data.identity.displayName} was not deleted`]),
    ...(data.secretDeleted ? [] : ["its secret was not deleted"]),
  ];
  const duration = secondsBetween(data.deployedAt, data.finishedAt);
  return {
    agentId: data.agentId,
    scenarioId: data.scenarioId,
    outcome: data.outcome,
    ...(data.deployedAt === undefined ? {} : { deployedAt: data.deployedAt }),
    ...(data.finishedAt === undefined ? {} : { finishedAt: data.finishedAt }),
    ...(duration === undefined ? {} : { durationSeconds: duration }),
    cleanedAt: agent.cleanedAt,
    resourceGroup: data.resourceGroup,
    identity: {
      displayName: data.identity.displayName,
      appId: data.identity.appId,
      deleted: data.identityDeleted,
    },
    secretDeleted: data.secretDeleted,
    resources: {
      created: distinct(succeeded("PUT")),
      deleted: distinct([...succeeded("DELETE"), ...data.deleted]),
      left,
    },
    activity: {
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      total: mine.length,
      byOperation,
      failed,
    },
    errors,
  };
}

/**
 * Where to start reading an agent's Activity Log: a minute before it was deployed (clocks differ, and
 * the first calls race the deployment record). When its deployment time is unknown, a minute before the
 * run's start as far as the ledger knows it: the earliest deployment (or, failing that, end) of any agent.
 */
export function activityWindow(agent: CleanedAgent, run: readonly CleanedAgent[], now: Date) {
  const starts = [agent, ...run].map((a) =>
    Date.parse(a.data.deployedAt ?? a.data.finishedAt ?? a.cleanedAt),
  );
  const start = agent.data.deployedAt === undefined ? Math.min(...starts) : Date.parse(agent.data.deployedAt);
  return { from: new Date(start - 60_000), to: now };
}

function summarise(agents: readonly AgentReport[]): RunSummary {
  const count = (outcome: AgentOutcome) => agents.filter((agent) => agent.outcome === outcome).length;
  return {
    agents: agents.length,
    completed: count("completed"),
    failed: count("failed"),
    timedOut: count("timed-out"),
    cancelled: count("cancelled"),
    leftovers: agents.reduce((sum, agent) => sum + agent.resources.left.length, 0),
  };
}

export function completedReport(
  runId: string,
  agents: AgentReport[],
  failure: RunFailure | undefined,
  now: Date,
): RunReport {
  return {
    reportVersion: REPORT_VERSION,
    runId,
    status: failure === undefined ? "completed" : "failed",
    generatedAt: now.toISOString(),
    summary: summarise(agents),
    ...(failure === undefined ? {} : { failure: { ...failure, reason: safe(failure.reason) } }),
    agents,
  };
}

export function rejectedReport(rejected: RunRejectedData, now: Date): RunReport {
  return {
    reportVersion: REPORT_VERSION,
    runId: rejected.runId,
    status: "rejected",
    generatedAt: now.toISOString(),
    summary: summarise([]),
    rejection: {
      requestedBy: rejected.requestedBy,
      requestedAt: rejected.requestedAt,
      failedChecks: rejected.failedChecks.map(({ name, message }) => ({ name, message: safe(message) })),
    },
    agents: [],
  };
}

function distinct(resourceIds: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const id of resourceIds) if (!seen.has(id.toLowerCase())) seen.set(id.toLowerCase(), id);
  return [...seen.values()];
}

function secondsBetween(from: string | undefined, to: string | undefined): number | undefined {
  if (from === undefined || to === undefined) return undefined;
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
}

/**
 * Free text from events was checked for credentials when it was published; this checks again, because a
 * report outlives every event and is the one artefact people forward.
 */
function safe(text: string): string {
  return looksLikeSecret(text) ? "[withheld: it looked like it held a credential]" : text;
}
