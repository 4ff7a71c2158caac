// GET /api/executions — runs, newest first, filtered by status, time of request and scenario, paged by an
// opaque continuation token.
import { ScenarioIdSchema, TimestampSchema } from "@haymaker/contracts";
import { EXECUTION_STATUSES, type ExecutionRecord, type Page } from "@haymaker/projections";
import type { Hono } from "hono";
import * as v from "valibot";
import type { GatewayDeps } from "../gateway-deps.ts";
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

export function registerListExecutions(app: Hono, deps: GatewayDeps): void {
  app.get("/api/executions", async (c) => {
    const query = readQuery(c, ListExecutionsQuerySchema);
    if (!query.ok) return query.response;
    const page = await storeRead(c, () => deps.projections.listExecutions(query.value));
    if (!page.ok) return page.response;
    const response: ListExecutionsResponse = page.value;
    return c.json(response);
  });
}
