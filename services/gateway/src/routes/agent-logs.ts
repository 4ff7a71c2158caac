// GET /api/executions/{id}/agents/{agentId}/logs — an agent's log lines, oldest first. `tail` gives the last
// lines; `afterSequence` (a previous answer's lastSequence) follows the log by polling. No streaming.
import { TimestampSchema } from "@haymaker/contracts";
import { type LogPage, MAX_LOG_LINES } from "@haymaker/projections";
import type { Hono } from "hono";
import * as v from "valibot";
import { apiError } from "../errors.ts";
import type { GatewayDeps } from "../gateway-deps.ts";
import {
  checkAgentId,
  checkRunId,
  pageParams,
  readQuery,
  storeRead,
  wholeNumberParam,
} from "./read-query.ts";

export const AgentLogsQuerySchema = v.strictObject({
  tail: v.optional(wholeNumberParam(1, MAX_LOG_LINES)),
  since: v.optional(TimestampSchema),
  afterSequence: v.optional(wholeNumberParam(0, Number.MAX_SAFE_INTEGER)),
  limit: v.optional(wholeNumberParam(1, MAX_LOG_LINES)),
  continuation: pageParams.continuation,
});
export type AgentLogsQuery = v.InferOutput<typeof AgentLogsQuerySchema>;
export type AgentLogsResponse = LogPage;

export function registerAgentLogs(app: Hono, deps: GatewayDeps): void {
  app.get("/api/executions/:id/agents/:agentId/logs", async (c) => {
    const id = c.req.param("id");
    const agentId = c.req.param("agentId");
    const invalid = checkRunId(c, id) ?? checkAgentId(c, agentId);
    if (invalid) return invalid;
    const query = readQuery(c, AgentLogsQuerySchema);
    if (!query.ok) return query.response;
    const agent = await storeRead(c, () => deps.projections.getAgent(id, agentId));
    if (!agent.ok) return agent.response;
    if (agent.value === undefined) {
      return apiError(c, 404, "AgentNotFound", `No agent ${agentId} is known in execution ${id}.`);
    }
    const page = await storeRead(c, () => deps.projections.agentLogs(id, agentId, query.value));
    if (!page.ok) return page.response;
    const response: AgentLogsResponse = page.value;
    return c.json(response);
  });
}
