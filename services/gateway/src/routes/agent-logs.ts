// GET /api/agents/{id}/logs and GET /api/executions/{id}/agents/{agentId}/logs — an agent's log lines,
// oldest first: `tail` gives the last lines, `since` those written from an instant, `afterSequence` (a
// previous answer's lastSequence) what arrived since. `follow=true` answers with Server-Sent Events
// instead: the lines so far (or the last `tail`), then each new line as it arrives, heartbeats while quiet,
// and `end` once the agent has exited.
import { TimestampSchema } from "@haymaker/contracts";
import { LogPageSchema, MAX_LOG_LINES } from "@haymaker/projections";
import type { Context, Hono } from "hono";
import * as v from "valibot";
import { apiError } from "../errors.ts";
import type { RouteDeps } from "../gateway-deps.ts";
import { ErrorEnvelopeSchema } from "../openapi/error-schema.ts";
import type { RouteSpec } from "../openapi/route-spec.ts";
import { readAnswer } from "../read-answer.ts";
import { agentLogSource } from "../streams/follow-agent-logs.ts";
import { followAsSse, lastEventId, TOO_MANY_STREAMS } from "../streams/sse-loop.ts";
import { AgentKeySchema, registerAgentRoute } from "./agent-key.ts";
import { pageParams, pathParams, readQuery, storeRead, wholeNumberParam } from "./read-query.ts";

export const AgentLogsQuerySchema = v.pipe(
  v.strictObject({
    tail: v.optional(wholeNumberParam(1, MAX_LOG_LINES)),
    since: v.optional(TimestampSchema),
    afterSequence: v.optional(wholeNumberParam(0, Number.MAX_SAFE_INTEGER)),
    limit: v.optional(wholeNumberParam(1, MAX_LOG_LINES)),
    continuation: pageParams.continuation,
    follow: v.optional(
      v.pipe(
        v.picklist(["true", "false"], 'expected "true" or "false"'),
        v.description("true: answer with Server-Sent Events that follow the log."),
      ),
    ),
  }),
  v.check(
    (q) =>
      q.follow !== "true" || (q.since === undefined && q.limit === undefined && q.continuation === undefined),
    "follow takes tail or afterSequence only, not since, limit or continuation",
  ),
);
export type AgentLogsQuery = v.InferOutput<typeof AgentLogsQuerySchema>;

const responses = {
  200: {
    description:
      "The lines (JSON). With follow=true, text/event-stream instead: `log` events (id = sequence, data = " +
      "the line), `: heartbeat` comments, and `end` (data = the agent's stage and outcome). Reconnect with " +
      "Last-Event-ID to resume.",
    schema: LogPageSchema,
  },
  404: { description: "No such agent in that execution (yet).", schema: ErrorEnvelopeSchema },
  429: TOO_MANY_STREAMS,
};

export const agentLogsSpec: RouteSpec = {
  method: "get",
  path: "/api/agents/{id}/logs",
  operationId: "getAgentLogs",
  summary: "An agent's log, or follow it (SSE)",
  tag: "Agents",
  role: "reader",
  pathParams: { id: { schema: AgentKeySchema, description: "<execution id>.<agent id>" } },
  query: AgentLogsQuerySchema,
  responses,
};

export const executionAgentLogsSpec: RouteSpec = {
  ...agentLogsSpec,
  path: "/api/executions/{id}/agents/{agentId}/logs",
  operationId: "getExecutionAgentLogs",
  pathParams: { id: pathParams.executionId, agentId: pathParams.agentId },
};

async function answer(c: Context, deps: RouteDeps, runId: string, agentId: string): Promise<Response> {
  const query = readQuery(c, AgentLogsQuerySchema);
  if (!query.ok) return query.response;
  const agent = await storeRead(c, () => deps.projections.getAgent(runId, agentId));
  if (!agent.ok) return agent.response;
  if (agent.value === undefined) {
    return apiError(c, 404, "AgentNotFound", `No agent ${agentId} is known in execution ${runId}.`);
  }
  const { follow, ...read } = query.value;
  if (follow === "true") return followLog(c, deps, runId, agentId, read);
  const page = await storeRead(c, () => deps.projections.agentLogs(runId, agentId, read));
  return page.ok ? readAnswer(c, page.value) : page.response;
}

async function followLog(
  c: Context,
  deps: RouteDeps,
  runId: string,
  agentId: string,
  query: { tail?: number; afterSequence?: number },
): Promise<Response> {
  const source = agentLogSource(deps.projections, runId, agentId);
  const resumeAfter = lastEventId(c) ?? query.afterSequence;
  if (resumeAfter !== undefined || query.tail === undefined) {
    return followAsSse(c, deps, source, { after: resumeAfter ?? 0 });
  }
  // The last `tail` lines as received, then what comes after the newest of them.
  const tail = await deps.projections.agentLogs(runId, agentId, { tail: query.tail, order: "received" });
  const first = tail.items.map((line) => ({ sequence: line.sequence, event: "log", data: line }));
  const after = first.at(-1)?.sequence ?? tail.lastSequence;
  return followAsSse(c, deps, source, { after, first });
}

export function registerAgentLogs(app: Hono, deps: RouteDeps): void {
  registerAgentRoute(
    app,
    { byKey: agentLogsSpec, byExecution: executionAgentLogsSpec },
    (c, runId, agentId) => answer(c, deps, runId, agentId),
  );
}
