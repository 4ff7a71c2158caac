// The gateway's HTTP surface: one file per route under routes/ (each with its spec, see openapi/), one
// error envelope, no stack traces, every request in a W3C trace, ETags on reads.
import { isTraceparent, newTraceparent, withTraceContext } from "@haymaker/cloudevents";
import { Hono } from "hono";
import { requireRole } from "./auth/authenticate.ts";
import { apiError, clientWentAway } from "./errors.ts";
import type { GatewayDeps, RouteDeps } from "./gateway-deps.ts";
import { registerOpenApi } from "./openapi/openapi-route.ts";
import { registerRouteLimits } from "./route-limits.ts";
import { registerAgentLogs } from "./routes/agent-logs.ts";
import { registerCancelExecution } from "./routes/cancel-execution.ts";
import { registerCleanup } from "./routes/cleanup.ts";
import { registerDeadLetterGroups } from "./routes/dead-letter-groups.ts";
import { registerEditDeadLetter } from "./routes/edit-dead-letter.ts";
import { registerExecute } from "./routes/execute.ts";
import { registerExecutionEvents } from "./routes/execution-events.ts";
import { registerGetAgent } from "./routes/get-agent.ts";
import { registerGetCleanup } from "./routes/get-cleanup.ts";
import { registerGetDeadLetter } from "./routes/get-dead-letter.ts";
import { registerGetExecution } from "./routes/get-execution.ts";
import { registerGetReport } from "./routes/get-report.ts";
import { registerGetResource } from "./routes/get-resource.ts";
import { registerGetScenario } from "./routes/get-scenario.ts";
import { registerHealth } from "./routes/health.ts";
import { registerKeys } from "./routes/keys.ts";
import { registerListAgents } from "./routes/list-agents.ts";
import { registerListDeadLetters } from "./routes/list-dead-letters.ts";
import { registerListExecutions } from "./routes/list-executions.ts";
import { registerListIdentities } from "./routes/list-identities.ts";
import { registerListResources } from "./routes/list-resources.ts";
import { registerMetrics } from "./routes/metrics.ts";
import { registerPurgeDeadLetters, registerReplayDeadLetters } from "./routes/replay-dead-letters.ts";
import { registerReplays } from "./routes/replays.ts";
import { ROUTE_SPECS } from "./routes/route-table.ts";
import { registerScenarios } from "./routes/scenarios.ts";
import { registerStatus } from "./routes/status.ts";
import { DEFAULT_STREAM_SETTINGS } from "./streams/sse-loop.ts";
import { StreamSlots } from "./streams/stream-slots.ts";

const PUBLIC = new Set(["/api/health"]);

export function createGateway(deps: GatewayDeps, log: (error: unknown, path: string) => void): Hono {
  const streams = { ...DEFAULT_STREAM_SETTINGS, ...deps.streams };
  const routeDeps: RouteDeps = {
    ...deps,
    schedule: deps.schedule ?? "off",
    streams,
    streamSlots: new StreamSlots(streams),
    reportError: log,
  };
  const app = new Hono();
  // A request that can cause events runs in a trace: the caller's traceparent when it sent a valid one,
  // else a new trace. The events it causes continue it. Reads cause none, so they skip the cost; their
  // error answers still quote the caller's trace id (errors.ts).
  app.use("*", (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    const sent = c.req.header("traceparent");
    const traceparent = isTraceparent(sent) ? sent : newTraceparent();
    const tracestate = c.req.header("tracestate");
    return withTraceContext({ traceparent, ...(tracestate === undefined ? {} : { tracestate }) }, next);
  });
  // Everything under /api but health needs a credential (an API key or an Entra token); each route adds
  // the role it needs on top.
  app.use("/api/*", async (c, next) =>
    PUBLIC.has(c.req.path) ? next() : requireRole(deps, "reader")(c, next),
  );
  // Each route's role, budget and body limit, as its spec declares them (route-limits.ts).
  registerRouteLimits(app, ROUTE_SPECS, deps);
  registerHealth(app, routeDeps);
  registerExecute(app, routeDeps);
  registerKeys(app, routeDeps);
  registerListExecutions(app, routeDeps);
  registerGetExecution(app, routeDeps);
  registerCancelExecution(app, routeDeps);
  registerGetReport(app, routeDeps);
  registerExecutionEvents(app, routeDeps);
  registerListAgents(app, routeDeps);
  registerGetAgent(app, routeDeps);
  registerAgentLogs(app, routeDeps);
  registerListResources(app, routeDeps);
  registerGetResource(app, routeDeps);
  registerListIdentities(app, routeDeps);
  registerMetrics(app, routeDeps);
  registerScenarios(app, routeDeps);
  registerGetScenario(app, routeDeps);
  registerCleanup(app, routeDeps);
  registerGetCleanup(app, routeDeps);
  registerStatus(app, routeDeps);
  // Groups before {id}: "groups" is no dead-letter id, but the router tries routes in this order.
  registerDeadLetterGroups(app, routeDeps);
  registerListDeadLetters(app, routeDeps);
  registerGetDeadLetter(app, routeDeps);
  registerReplayDeadLetters(app, routeDeps);
  registerPurgeDeadLetters(app, routeDeps);
  registerEditDeadLetter(app, routeDeps);
  registerReplays(app, routeDeps);
  registerOpenApi(app, () => ROUTE_SPECS);
  app.notFound((c) => apiError(c, 404, "NotFound", `There is no route ${c.req.method} ${c.req.path}.`));
  app.onError((error, c) => {
    if (clientWentAway(error)) {
      return apiError(c, 400, "RequestAborted", "The connection closed before the request arrived whole.");
    }
    log(error, c.req.path);
    return apiError(
      c,
      500,
      "InternalError",
      "The gateway could not answer; the error was logged with this trace id.",
    );
  });
  return app;
}
