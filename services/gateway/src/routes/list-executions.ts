// GET /api/executions — runs, newest first, filtered by status, time of request and scenario, paged by an
// opaque continuation token.
import { ScenarioIdSchema, TimestampSchema } from "@haymaker/contracts";
import {
  EXECUTION_STATUSES,
  ExecutionPageSchema,
  type ExecutionRecord,
  type Page,
} from "@haymaker/projections";
import type { Hono } from "hono";
import * as v from "valibot";
import type { GatewayDeps } from "../gateway-deps.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { readAnswer } from "../read-answer.ts";
import { pageParams, readQuery, storeRead } from "./read-query.ts";

export const ListExecutionsQuerySchema = v.strictObject({
  status: v.optional(v.picklist(EXECUTION_STATUSES, `expected one of ${EXECUTION_STATUSES.join(", ")}`)),
  since: v.optional(TimestampSchema),
  until: v.optional(TimestampSchema),
  scenario: v.optional(ScenarioIdSchema),
  ...pageParams,
});
export type ListExecutionsQuery = v.InferOutput<typeof ListExecutionsQuerySchema>;
export type ListExecutionsResponse = Page<ExecutionRecord>;

export const listExecutionsSpec: RouteSpec = {
  method: "get",
  path: "/api/executions",
  operationId: "listExecutions",
  summary: "Executions, newest first",
  tag: "Executions",
  role: "reader",
  query: ListExecutionsQuerySchema,
  responses: {
    200: { description: "A page of runs; pass continuation for the next.", schema: ExecutionPageSchema },
  },
};

export function registerListExecutions(app: Hono, deps: GatewayDeps): void {
  app.get(honoPath(listExecutionsSpec), async (c) => {
    const query = readQuery(c, ListExecutionsQuerySchema);
    if (!query.ok) return query.response;
    const page = await storeRead(c, () => deps.projections.listExecutions(query.value));
    if (!page.ok) return page.response;
    const response: ListExecutionsResponse = page.value;
    return readAnswer(c, response);
  });
}
