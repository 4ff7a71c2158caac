// GET /api/resources — the Azure resources agents reported, ordered by run, agent, then ARM id: filter by
// execution, agent, scenario, status (created, deleted, left) and ARM type.
import { AgentIdSchema, RunIdSchema, ScenarioIdSchema } from "@haymaker/contracts";
import { type Page, RESOURCE_STATUSES, ResourcePageSchema, type ResourceRecord } from "@haymaker/projections";
import type { Hono } from "hono";
import * as v from "valibot";
import type { GatewayDeps } from "../gateway-deps.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { readAnswer } from "../read-answer.ts";
import { pageParams, readQuery, storeRead } from "./read-query.ts";

export const ListResourcesQuerySchema = v.strictObject({
  executionId: v.optional(RunIdSchema),
  agentId: v.optional(AgentIdSchema),
  scenario: v.optional(ScenarioIdSchema),
  status: v.optional(v.picklist(RESOURCE_STATUSES, `expected one of ${RESOURCE_STATUSES.join(", ")}`)),
  type: v.optional(
    v.pipe(
      v.string(),
      v.minLength(1, "expected an ARM resource type"),
      v.maxLength(256, "expected at most 256 characters"),
    ),
  ),
  ...pageParams,
});
export type ListResourcesQuery = v.InferOutput<typeof ListResourcesQuerySchema>;
export type ListResourcesResponse = Page<ResourceRecord>;

export const listResourcesSpec: RouteSpec = {
  method: "get",
  path: "/api/resources",
  operationId: "listResources",
  summary: "Resources the agents created",
  tag: "Resources",
  role: "reader",
  query: ListResourcesQuerySchema,
  responses: {
    200: { description: "A page of resources; pass continuation for the next.", schema: ResourcePageSchema },
  },
};

export function registerListResources(app: Hono, deps: GatewayDeps): void {
  app.get(honoPath(listResourcesSpec), async (c) => {
    const query = readQuery(c, ListResourcesQuerySchema);
    if (!query.ok) return query.response;
    const { executionId, ...rest } = query.value;
    const page = await storeRead(c, () =>
      deps.projections.listResources({
        ...rest,
        ...(executionId === undefined ? {} : { runId: executionId }),
      }),
    );
    if (!page.ok) return page.response;
    const response: ListResourcesResponse = page.value;
    return readAnswer(c, response);
  });
}
