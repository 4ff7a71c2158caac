// An agent's id is unique only in its run, so /api/agents/{id} takes both joined by a dot:
// run-20261124-060000-ab12.a01 (neither part can hold a dot).
import { AgentIdSchema, RunIdSchema } from "@haymaker/contracts";
import type { Context, Hono } from "hono";
import * as v from "valibot";
import { apiError } from "../errors.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { checkAgentId, checkRunId, pathParam } from "./read-query.ts";

export const AgentKeySchema = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9-]{1,64}\.[a-z0-9-]{1,64}$/, "expected <execution id>.<agent id>"),
  v.description("The execution id and the agent id joined by a dot, e.g. run-20261124-060000-ab12.a01."),
);

/** The run and agent ids in a key, or the 400 answer naming what is wrong. */
export function parseAgentKey(
  c: Context,
  key: string,
): { ok: true; runId: string; agentId: string } | { ok: false; response: Response } {
  const [runId = "", agentId = "", ...rest] = key.split(".");
  if (rest.length === 0 && v.is(RunIdSchema, runId) && v.is(AgentIdSchema, agentId)) {
    return { ok: true, runId, agentId };
  }
  return {
    ok: false,
    response: apiError(
      c,
      400,
      "InvalidAgentId",
      "An agent is named by its execution id and agent id joined by a dot, e.g. run-20261124-060000-ab12.a01.",
      [{ path: "id", reason: "expected <execution id>.<agent id>" }],
    ),
  };
}

/**
 * Registers one agent route under both its addresses — /api/agents/{run}.{agent}… and
 * /api/executions/{run}/agents/{agent}… — with the ids checked, so `answer` gets a valid run and agent id.
 */
export function registerAgentRoute(
  app: Hono,
  specs: { byKey: RouteSpec; byExecution: RouteSpec },
  answer: (c: Context, runId: string, agentId: string) => Promise<Response>,
): void {
  app.get(honoPath(specs.byKey), async (c) => {
    const key = parseAgentKey(c, pathParam(c, "id"));
    return key.ok ? answer(c, key.runId, key.agentId) : key.response;
  });
  app.get(honoPath(specs.byExecution), async (c) => {
    const id = pathParam(c, "id");
    const agentId = pathParam(c, "agentId");
    return checkRunId(c, id) ?? checkAgentId(c, agentId) ?? answer(c, id, agentId);
  });
}
