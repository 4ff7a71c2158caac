// GET /api/agents/{id} (id = <execution id>.<agent id>) and GET /api/executions/{id}/agents/{agentId} —
// one agent of one run: stage, timeline, progress, outcome, identity, resource counts.
import { AgentRecordSchema } from "@haymaker/projections";
import type { Context, Hono } from "hono";
import { apiError } from "../errors.ts";
import type { GatewayDeps } from "../gateway-deps.ts";
import { ErrorEnvelopeSchema } from "../openapi/error-schema.ts";
import type { RouteSpec } from "../openapi/route-spec.ts";
import { readAnswer } from "../read-answer.ts";
import { AgentKeySchema, registerAgentRoute } from "./agent-key.ts";
import { pathParams, storeRead } from "./read-query.ts";

const responses = {
  200: { description: "The agent as the projections know it.", schema: AgentRecordSchema },
  404: { description: "No such agent in that execution (yet).", schema: ErrorEnvelopeSchema },
};

export const getAgentSpec: RouteSpec = {
  method: "get",
  path: "/api/agents/{id}",
  operationId: "getAgent",
  summary: "One agent",
  tag: "Agents",
  role: "reader",
  pathParams: { id: { schema: AgentKeySchema, description: "<execution id>.<agent id>" } },
  responses,
};

export const getExecutionAgentSpec: RouteSpec = {
  method: "get",
  path: "/api/executions/{id}/agents/{agentId}",
  operationId: "getExecutionAgent",
  summary: "One agent of an execution",
  tag: "Agents",
  role: "reader",
  pathParams: { id: pathParams.executionId, agentId: pathParams.agentId },
  responses,
};

async function answer(c: Context, deps: GatewayDeps, runId: string, agentId: string): Promise<Response> {
  const agent = await storeRead(c, () => deps.projections.getAgent(runId, agentId));
  if (!agent.ok) return agent.response;
  if (agent.value === undefined) {
    return apiError(c, 404, "AgentNotFound", `No agent ${agentId} is known in execution ${runId}.`);
  }
  return readAnswer(c, agent.value);
}

export function registerGetAgent(app: Hono, deps: GatewayDeps): void {
  registerAgentRoute(app, { byKey: getAgentSpec, byExecution: getExecutionAgentSpec }, (c, runId, agentId) =>
    answer(c, deps, runId, agentId),
  );
}
