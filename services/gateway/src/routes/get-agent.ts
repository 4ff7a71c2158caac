// GET /api/executions/{id}/agents/{agentId} — one agent of one run (agent ids are unique only in a run).
import type { AgentRecord } from "@haymaker/projections";
import type { Hono } from "hono";
import { apiError } from "../errors.ts";
import type { GatewayDeps } from "../gateway-deps.ts";
import { checkAgentId, checkRunId, storeRead } from "./read-query.ts";

export type GetAgentResponse = AgentRecord;

export function registerGetAgent(app: Hono, deps: GatewayDeps): void {
  app.get("/api/executions/:id/agents/:agentId", async (c) => {
    const id = c.req.param("id");
    const agentId = c.req.param("agentId");
    const invalid = checkRunId(c, id) ?? checkAgentId(c, agentId);
    if (invalid) return invalid;
    const agent = await storeRead(c, () => deps.projections.getAgent(id, agentId));
    if (!agent.ok) return agent.response;
    if (agent.value === undefined) {
      return apiError(c, 404, "AgentNotFound", `No agent ${agentId} is known in execution ${id}.`);
    }
    const response: GetAgentResponse = agent.value;
    return c.json(response);
  });
}
