// GET /api/executions/{id}/events — the run's events as Server-Sent Events, as they happen: every
// CloudEvent the projections applied for the run (all but agent log lines, which the agents' log streams
// carry), from the first or from Last-Event-ID, named by short type, then `end` at the run's final status.
import type { Hono } from "hono";
import * as v from "valibot";
import { apiError } from "../errors.ts";
import type { RouteDeps } from "../gateway-deps.ts";
import { ErrorEnvelopeSchema } from "../openapi/error-schema.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { runEventSource } from "../streams/follow-run-events.ts";
import { followAsSse, lastEventId, TOO_MANY_STREAMS } from "../streams/sse-loop.ts";
import { checkRunId, pathParam, pathParams, readQuery, storeRead, wholeNumberParam } from "./read-query.ts";

export const ExecutionEventsQuerySchema = v.strictObject({
  afterSequence: v.optional(wholeNumberParam(0, Number.MAX_SAFE_INTEGER)),
});

export const executionEventsSpec: RouteSpec = {
  method: "get",
  path: "/api/executions/{id}/events",
  operationId: "streamExecutionEvents",
  summary: "Follow an execution's events (SSE)",
  description:
    "text/event-stream: one event per CloudEvent applied for the run, `event` = its short type (e.g. " +
    "agent.deployed), `id` = its sequence in the run, `data` = the CloudEvent as JSON; `: heartbeat` " +
    "comments while quiet; `end` (data = the final status) once the run is over. Reconnect with " +
    "Last-Event-ID (or afterSequence) to resume.",
  tag: "Executions",
  role: "reader",
  pathParams: { id: pathParams.executionId },
  query: ExecutionEventsQuerySchema,
  responses: {
    200: { description: "The stream.", mediaType: "text/event-stream" },
    404: { description: "No such execution (yet).", schema: ErrorEnvelopeSchema },
    429: TOO_MANY_STREAMS,
  },
};

export function registerExecutionEvents(app: Hono, deps: RouteDeps): void {
  app.get(honoPath(executionEventsSpec), async (c) => {
    const id = pathParam(c, "id");
    const invalid = checkRunId(c, id);
    if (invalid) return invalid;
    const query = readQuery(c, ExecutionEventsQuerySchema);
    if (!query.ok) return query.response;
    const run = await storeRead(c, () => deps.projections.getExecution(id));
    if (!run.ok) return run.response;
    if (run.value === undefined) {
      return apiError(
        c,
        404,
        "ExecutionNotFound",
        `No execution ${id} is known (yet: a new one appears within moments).`,
      );
    }
    const after = lastEventId(c) ?? query.value.afterSequence ?? 0;
    return followAsSse(c, deps, runEventSource(deps.projections, id), { after });
  });
}
