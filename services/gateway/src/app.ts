// The gateway's HTTP surface: one file per route under routes/, one error envelope, no stack traces.
import { Hono } from "hono";
import { requireRole } from "./auth/authenticate.ts";
import { apiError } from "./errors.ts";
import type { GatewayDeps } from "./gateway-deps.ts";
import { registerAgentLogs } from "./routes/agent-logs.ts";
import { registerCancelExecution } from "./routes/cancel-execution.ts";
import { registerExecute } from "./routes/execute.ts";
import { registerGetAgent } from "./routes/get-agent.ts";
import { registerGetExecution } from "./routes/get-execution.ts";
import { registerGetReport } from "./routes/get-report.ts";
import { registerGetResource } from "./routes/get-resource.ts";
import { registerHealth } from "./routes/health.ts";
import { registerKeys } from "./routes/keys.ts";
import { registerListAgents } from "./routes/list-agents.ts";
import { registerListExecutions } from "./routes/list-executions.ts";
import { registerListIdentities } from "./routes/list-identities.ts";
import { registerListResources } from "./routes/list-resources.ts";
import { registerMetrics } from "./routes/metrics.ts";
import { registerScenarios } from "./routes/scenarios.ts";

export function createGateway(deps: GatewayDeps, log: (error: unknown, path: string) => void): Hono {
  const app = new Hono();
  registerHealth(app);
  // Everything under /api but health needs a key; each route adds the role it needs on top.
  app.use("/api/*", async (c, next) =>
    c.req.path === "/api/health" ? next() : requireRole(deps.keys, "reader")(c, next),
  );
  registerExecute(app, deps);
  registerKeys(app, deps);
  registerListExecutions(app, deps);
  registerGetExecution(app, deps);
  registerCancelExecution(app, deps);
  registerGetReport(app, deps);
  registerListAgents(app, deps);
  registerGetAgent(app, deps);
  registerAgentLogs(app, deps);
  registerListResources(app, deps);
  registerGetResource(app, deps);
  registerListIdentities(app, deps);
  registerMetrics(app, deps);
  registerScenarios(app, deps);
  app.notFound((c) => apiError(c, 404, "NotFound", `There is no route ${c.req.method} ${c.req.path}.`));
  app.onError((error, c) => {
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
