// GET /api/status — what HayMaker is doing now: the runs not yet over, where their agents are, how runs of
// the last day ended, and when the scheduler starts the next one.
import { nextScheduledRun } from "@haymaker/config";
import {
  AGENT_PIPELINE_STAGES,
  type AgentPipelineStage,
  type ExecutionRecord,
  ExecutionRecordSchema,
  type ExecutionStatus,
  MAX_PAGE_SIZE,
} from "@haymaker/projections";
import type { Hono } from "hono";
import * as v from "valibot";
import type { GatewayDeps, RouteDeps } from "../gateway-deps.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { readAnswer } from "../read-answer.ts";
import { deadLetterCounts } from "./dead-letter-access.ts";
import { DeadLetterCountsSchema } from "./dead-letter-schemas.ts";

const ACTIVE: readonly ExecutionStatus[] = ["requested", "validated", "running", "cleaning", "cancelling"];
const RECENT_MS = 24 * 60 * 60 * 1000;
/** Enough for a status page; a tenant with more runs in flight than this has other problems to show. */
const MOST_ACTIVE_SHOWN = MAX_PAGE_SIZE;

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

export const StatusResponseSchema = v.strictObject({
  now: v.string(),
  activeExecutions: v.pipe(
    v.array(ExecutionRecordSchema),
    v.description(`Runs not yet over, newest first (at most ${MOST_ACTIVE_SHOWN}).`),
  ),
  agentStages: v.pipe(
    v.record(v.picklist(AGENT_PIPELINE_STAGES), count),
    v.description("How many agents of the active runs are at each stage."),
  ),
  recentOutcomes: v.strictObject({
    since: v.string(),
    completed: count,
    failed: count,
    cancelled: count,
    rejected: count,
  }),
  deadLetters: v.optional(DeadLetterCountsSchema),
  schedule: v.strictObject({
    cron: v.pipe(
      v.nullable(v.string()),
      v.description("The scheduler's cron expression (UTC); null when off."),
    ),
    nextRunAt: v.nullable(v.string()),
  }),
});
export type StatusResponse = v.InferOutput<typeof StatusResponseSchema>;

export const statusSpec: RouteSpec = {
  method: "get",
  path: "/api/status",
  operationId: "getStatus",
  summary: "What is running now, and what is next",
  tag: "Status",
  role: "reader",
  responses: { 200: { description: "The current state.", schema: StatusResponseSchema } },
};

async function activeExecutions(deps: GatewayDeps): Promise<ExecutionRecord[]> {
  const pages = await Promise.all(
    ACTIVE.map((status) => deps.projections.listExecutions({ status, limit: MOST_ACTIVE_SHOWN })),
  );
  return pages
    .flatMap((page) => page.items)
    .sort((a, b) =>
      a.sortAt === b.sortAt ? b.runId.localeCompare(a.runId) : b.sortAt.localeCompare(a.sortAt),
    )
    .slice(0, MOST_ACTIVE_SHOWN);
}

async function agentStages(deps: GatewayDeps, runs: readonly ExecutionRecord[]) {
  const stages = Object.fromEntries(AGENT_PIPELINE_STAGES.map((stage) => [stage, 0])) as Record<
    AgentPipelineStage,
    number
  >;
  for (const run of runs) {
    const found = await deps.projections.getExecution(run.runId);
    for (const agent of found?.agents ?? []) stages[agent.stage] += 1;
  }
  return stages;
}

export function registerStatus(app: Hono, deps: RouteDeps): void {
  app.get(honoPath(statusSpec), async (c) => {
    const now = new Date();
    const since = new Date(now.getTime() - RECENT_MS).toISOString();
    const active = await activeExecutions(deps);
    const [stages, recent] = await Promise.all([
      agentStages(deps, active),
      deps.projections.metrics({ since, until: now.toISOString() }),
    ]);
    const next = nextScheduledRun(deps.schedule, now);
    const deadLetters = deps.deadLetters === undefined ? undefined : await deadLetterCounts(deps.deadLetters);
    const response: StatusResponse = {
      now: now.toISOString(),
      activeExecutions: active,
      agentStages: stages,
      recentOutcomes: {
        since,
        completed: recent.runs.completed,
        failed: recent.runs.failed,
        cancelled: recent.runs.cancelled,
        rejected: recent.runs.rejected,
      },
      ...(deadLetters === undefined ? {} : { deadLetters }),
      schedule: {
        cron: deps.schedule === "off" ? null : deps.schedule,
        nextRunAt: next === undefined ? null : next.toISOString(),
      },
    };
    return readAnswer(c, response);
  });
}
