// GET /api/replays, GET /api/replays/{id} and POST /api/replays/{id}/abort (operator) — replay and purge
// operations: their progress (total, replayed, failed, remaining) while they run and after, and a stop.
import type { Hono } from "hono";
import * as v from "valibot";
import { requireRole } from "../auth/authenticate.ts";
import { apiError } from "../errors.ts";
import type { GatewayDeps } from "../gateway-deps.ts";
import { ErrorEnvelopeSchema } from "../openapi/error-schema.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { deadLettersOf } from "./dead-letter-access.ts";
import { ReplayOperationSchema } from "./dead-letter-schemas.ts";
import { pathParam } from "./read-query.ts";

const idParam = { id: { schema: v.pipe(v.string(), v.regex(/^rpl-[a-z0-9-]+$/)), description: "rpl-…" } };
const notFound = { description: "No such operation.", schema: ErrorEnvelopeSchema };

export const listReplaysSpec: RouteSpec = {
  method: "get",
  path: "/api/replays",
  operationId: "listReplays",
  summary: "Replay and purge operations, newest first",
  tag: "Dead letters",
  role: "operator",
  responses: {
    200: { description: "The latest 100.", schema: v.object({ items: v.array(ReplayOperationSchema) }) },
  },
};

export const getReplaySpec: RouteSpec = {
  method: "get",
  path: "/api/replays/{id}",
  operationId: "getReplay",
  summary: "One operation's progress",
  tag: "Dead letters",
  role: "operator",
  pathParams: idParam,
  responses: { 200: { description: "The operation.", schema: ReplayOperationSchema }, 404: notFound },
};

export const abortReplaySpec: RouteSpec = {
  method: "post",
  path: "/api/replays/{id}/abort",
  operationId: "abortReplay",
  summary: "Stop an operation",
  description:
    "It stops after the batch in hand; dead letters it had not reached stay in their queues untouched.",
  tag: "Dead letters",
  role: "operator",
  pathParams: idParam,
  responses: {
    202: {
      description:
        "Stopped, whichever gateway replica ran it; still running only if that replica did not answer within its lease.",
      schema: v.object({ operation: ReplayOperationSchema }),
    },
    404: notFound,
    409: { description: "It had already ended.", schema: ErrorEnvelopeSchema },
  },
};

export function registerReplays(app: Hono, deps: GatewayDeps): void {
  const operator = requireRole(deps, "operator");
  app.get(honoPath(listReplaysSpec), operator, async (c) => {
    const access = deadLettersOf(c, deps);
    return access instanceof Response ? access : c.json({ items: await access.operations.list() });
  });
  app.get(honoPath(getReplaySpec), operator, async (c) => {
    const access = deadLettersOf(c, deps);
    if (access instanceof Response) return access;
    const id = pathParam(c, "id");
    const operation = await access.operations.get(id);
    return operation === undefined
      ? apiError(c, 404, "ReplayNotFound", `No operation ${id.slice(0, 64)}.`)
      : c.json(operation);
  });
  app.post(honoPath(abortReplaySpec), operator, async (c) => {
    const access = deadLettersOf(c, deps);
    if (access instanceof Response) return access;
    const id = pathParam(c, "id");
    // Whichever replica runs it: the operations ask that replica through their store and wait for it.
    const aborted = await access.operations.abort(id);
    if (aborted.outcome === "not-found") {
      return apiError(c, 404, "ReplayNotFound", `No operation ${id.slice(0, 64)}.`);
    }
    if (aborted.outcome === "ended") {
      return apiError(
        c,
        409,
        "ReplayFinished",
        `Operation ${id} has already ended (${aborted.operation.status}).`,
      );
    }
    return c.json({ operation: aborted.operation }, 202);
  });
}
