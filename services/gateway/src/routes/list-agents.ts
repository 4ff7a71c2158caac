// GET /api/agents — agents across runs, ordered by run then agent id: filter by execution (executionId),
// pipeline stage (status) and scenario.
import { RunIdSchema, ScenarioIdSchema } from "@haymaker/contracts";
import { AGENT_PIPELINE_STAGES, AgentPageSchema, type AgentRecord, type Page } from "@haymaker/projections";
import type { Hono } from "hono";
import * as v from "valibot";
import type { GatewayDeps } from "../gateway-deps.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { readAnswer } from "../read-answer.ts";
import { pageParams, readQuery, storeRead } from "./read-query.ts";

export const ListAgentsQuerySchema = v.strictObject({
  executionId: v.optional(RunIdSchema),
  status: v.optional(
    v.picklist(AGENT_PIPELINE_STAGES, `expected one of ${AGENT_PIPELINE_STAGES.join(", ")}`),
  ),
  scenario: v.optional(ScenarioIdSchema),
  ...pageParams,
});
export type ListAgentsQuery = v.InferOutput<typeof ListAgentsQuerySchema>;
export type ListAgentsResponse = Page<AgentRecord>;

export const listAgentsSpec: RouteSpec = {
  method: "get",
  path: "/api/agents",
  operationId: "listAgents",
  summary: "Agents across executions",
  tag: "Agents",
  role: "reader",
  query: ListAgentsQuerySchema,
  responses: {
    200: { description: "A page of agents; pass continuation for the next.", schema: AgentPageSchema },
  },
};

export function registerListAgents(app: Hono, deps: GatewayDeps): void {
  app.get(honoPath(listAgentsSpec), async (c) => {
    const query = readQuery(c, ListAgentsQuerySchema);
    if (!query.ok) return query.response;
    const { executionId, status, ...rest } = query.value;
    const page = await storeRead(c, () =>
      deps.projections.listAgents({
        ...rest,
        ...(executionId === undefined ? {} : { runId: executionId }),
        ...(status === undefined ? {} : { stage: status }),
      }),
    );
    if (!page.ok) return page.response;
    const response: ListAgentsResponse = page.value;
    return readAnswer(c, response);
  });
}
