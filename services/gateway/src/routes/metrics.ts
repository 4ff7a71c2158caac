// GET /api/metrics — outcomes, success rates and durations over the runs requested in the last 7, 30 or 90
// days (period, default 7d), optionally for one scenario.
import { ScenarioIdSchema } from "@haymaker/contracts";
import type { Metrics } from "@haymaker/projections";
import { MetricsSchema } from "@haymaker/projections";
import type { Hono } from "hono";
import * as v from "valibot";
import type { GatewayDeps } from "../gateway-deps.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { readAnswer } from "../read-answer.ts";
import { deadLetterCounts } from "./dead-letter-access.ts";
import { DeadLetterCountsSchema } from "./dead-letter-schemas.ts";
import { readQuery, storeRead } from "./read-query.ts";

export const METRICS_PERIODS = ["7d", "30d", "90d"] as const;
export type MetricsPeriod = (typeof METRICS_PERIODS)[number];
const DAY_MS = 24 * 60 * 60 * 1000;
const PERIOD_DAYS: Record<MetricsPeriod, number> = { "7d": 7, "30d": 30, "90d": 90 };

export const MetricsRequestQuerySchema = v.strictObject({
  period: v.optional(v.picklist(METRICS_PERIODS, `expected one of ${METRICS_PERIODS.join(", ")}`), "7d"),
  scenario: v.optional(ScenarioIdSchema),
});
export type MetricsRequestQuery = v.InferOutput<typeof MetricsRequestQuerySchema>;
export type MetricsResponse = Metrics & {
  period: MetricsPeriod;
  /** Dead letters per subscription now (not over the period: a dead-letter queue has no history). */
  deadLetters?: Array<{ topic: string; subscription: string; count: number }>;
};

export const metricsSpec: RouteSpec = {
  method: "get",
  path: "/api/metrics",
  operationId: "getMetrics",
  summary: "Outcomes over the last 7, 30 or 90 days",
  tag: "Metrics",
  role: "reader",
  query: MetricsRequestQuerySchema,
  responses: {
    200: {
      description: "Runs, success rate, agents, resources created and left, mean duration; per scenario too.",
      schema: v.intersect([
        MetricsSchema,
        v.object({ period: v.picklist(METRICS_PERIODS), deadLetters: v.optional(DeadLetterCountsSchema) }),
      ]),
    },
  },
};

export function registerMetrics(app: Hono, deps: GatewayDeps, now: () => Date = () => new Date()): void {
  app.get(honoPath(metricsSpec), async (c) => {
    const query = readQuery(c, MetricsRequestQuerySchema);
    if (!query.ok) return query.response;
    const { period, scenario } = query.value;
    const until = now();
    const since = new Date(until.getTime() - PERIOD_DAYS[period] * DAY_MS);
    const metrics = await storeRead(c, () =>
      deps.projections.metrics({
        since: since.toISOString(),
        until: until.toISOString(),
        ...(scenario === undefined ? {} : { scenario }),
      }),
    );
    if (!metrics.ok) return metrics.response;
    const deadLetters = deps.deadLetters === undefined ? undefined : await deadLetterCounts(deps.deadLetters);
    const response: MetricsResponse = {
      period,
      ...metrics.value,
      ...(deadLetters === undefined ? {} : { deadLetters }),
    };
    return readAnswer(c, response);
  });
}
