// Metrics for a period, computed from the runs requested in it and their agents. Computed here rather than
// in a store's query language because Cosmos DB's emulator has no GROUP BY: every adapter fetches the
// records and sums them with this one function, so they cannot disagree.
import type { AgentRecord, ExecutionRecord } from "./records.ts";

export interface OutcomeCounts {
  completed: number;
  failed: number;
  timedOut: number;
  cancelled: number;
}

export interface ScenarioMetrics extends OutcomeCounts {
  scenarioId: string;
  /** Runs with an agent performing the scenario. */
  runs: number;
  agents: number;
  /** completed ÷ agents with an outcome; null when none has one yet. */
  successRate: number | null;
  resourcesCreated: number;
  resourcesLeft: number;
  /** Mean deployedAt → finishedAt of its agents, in milliseconds; null when none has both. */
  meanAgentDurationMs: number | null;
}

export interface Metrics {
  since: string;
  until: string;
  scenario?: string;
  runs: {
    total: number;
    inProgress: number;
    completed: number;
    failed: number;
    rejected: number;
    cancelled: number;
    /** completed ÷ (completed + failed + rejected); cancelled runs are the operator's choice, not failures. */
    successRate: number | null;
    /** Mean requestedAt → run.completed of completed runs, in milliseconds. */
    meanDurationMs: number | null;
  };
  agents: OutcomeCounts & { total: number; inProgress: number };
  resources: { created: number; deleted: number; left: number };
  /** One entry per scenario, by scenario id. */
  scenarios: ScenarioMetrics[];
}

const OUTCOME_KEYS = {
  completed: "completed",
  failed: "failed",
  "timed-out": "timedOut",
  cancelled: "cancelled",
} as const;

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * Metrics over `executions` (the runs requested in the period) and `agents` (theirs). With `scenario`, only
 * that scenario's agents count, and only runs that had one.
 */
export function computeMetrics(
  period: { since: string; until: string; scenario?: string },
  executions: readonly ExecutionRecord[],
  agents: readonly AgentRecord[],
): Metrics {
  const { scenario } = period;
  const runs = scenario ? executions.filter((run) => run.scenarioIds.includes(scenario)) : executions;
  const runIds = new Set(runs.map((run) => run.runId));
  const counted = agents.filter(
    (agent) => runIds.has(agent.runId) && (scenario === undefined || agent.scenarioId === scenario),
  );
  const byStatus = (status: ExecutionRecord["status"]) => runs.filter((run) => run.status === status).length;
  const [completed, failed, rejected, cancelled] = [
    byStatus("completed"),
    byStatus("failed"),
    byStatus("rejected"),
    byStatus("cancelled"),
  ];
  return {
    since: period.since,
    until: period.until,
    ...(scenario === undefined ? {} : { scenario }),
    runs: {
      total: runs.length,
      inProgress: runs.length - completed - failed - rejected - cancelled,
      completed,
      failed,
      rejected,
      cancelled,
      successRate: ratio(completed, completed + failed + rejected),
      meanDurationMs: mean(
        runs.flatMap((run) =>
          run.status === "completed" && run.elapsedMs !== undefined ? [run.elapsedMs] : [],
        ),
      ),
    },
    agents: { total: counted.length, ...agentOutcomes(counted) },
    resources: {
      created: sum(counted, (agent) => agent.resources.created),
      deleted: sum(counted, (agent) => agent.resources.deleted),
      left: sum(counted, (agent) => agent.resources.left),
    },
    scenarios: scenarioMetrics(counted),
  };
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

function agentOutcomes(agents: readonly AgentRecord[]): OutcomeCounts & { inProgress: number } {
  const counts = { completed: 0, failed: 0, timedOut: 0, cancelled: 0, inProgress: 0 };
  for (const agent of agents) {
    if (agent.outcome === undefined) counts.inProgress += 1;
    else counts[OUTCOME_KEYS[agent.outcome]] += 1;
  }
  return counts;
}

function scenarioMetrics(agents: readonly AgentRecord[]): ScenarioMetrics[] {
  const byScenario = new Map<string, AgentRecord[]>();
  for (const agent of agents)
    byScenario.set(agent.scenarioId, [...(byScenario.get(agent.scenarioId) ?? []), agent]);
  return [...byScenario.keys()].sort().map((scenarioId) => {
    const group = byScenario.get(scenarioId) ?? [];
    const { inProgress, ...outcomes } = agentOutcomes(group);
    return {
      scenarioId,
      runs: new Set(group.map((agent) => agent.runId)).size,
      agents: group.length,
      ...outcomes,
      successRate: ratio(outcomes.completed, group.length - inProgress),
      resourcesCreated: sum(group, (agent) => agent.resources.created),
      resourcesLeft: sum(group, (agent) => agent.resources.left),
      meanAgentDurationMs: mean(
        group.flatMap((agent) =>
          agent.deployedAt && agent.finishedAt
            ? [Date.parse(agent.finishedAt) - Date.parse(agent.deployedAt)]
            : [],
        ),
      ),
    };
  });
}
