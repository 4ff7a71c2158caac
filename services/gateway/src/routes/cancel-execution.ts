// POST /api/executions/{id}/cancel — asks monitor to stop the run's agents; each is then cleaned up as
// usual and the run ends as cancelled. Answers 202: the stop happens at each agent's next check.
import { newEvent } from "@haymaker/cloudevents";
import { checkInput, RunIdSchema } from "@haymaker/contracts";
import type { Hono } from "hono";
import * as v from "valibot";
import { callerOf, requireRole } from "../auth/authenticate.ts";
import { apiError, jsonBody } from "../errors.ts";
import type { GatewayDeps } from "../gateway-deps.ts";
import { ErrorEnvelopeSchema } from "../openapi/error-schema.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { SOURCE } from "./execute.ts";
import { pathParam, pathParams } from "./read-query.ts";

export const CancelRequestSchema = v.strictObject({
  reason: v.optional(v.pipe(v.string(), v.maxLength(1024, "expected a reason of at most 1024 characters"))),
});

/** A run in one of these has nothing left to stop. */
const ENDED = new Set(["rejected", "completed", "failed", "cancelled"]);

export const cancelExecutionSpec: RouteSpec = {
  method: "post",
  path: "/api/executions/{id}/cancel",
  operationId: "cancelExecution",
  summary: "Cancel an execution",
  description:
    "Its agents are stopped at their next check, then cleaned up as usual; the run ends cancelled.",
  tag: "Executions",
  role: "operator",
  pathParams: { id: pathParams.executionId },
  body: CancelRequestSchema,
  responses: {
    202: {
      description: "Cancellation was requested.",
      schema: v.strictObject({ executionId: v.string(), status: v.literal("cancelling") }),
    },
    404: { description: "No such execution.", schema: ErrorEnvelopeSchema },
    409: { description: "The execution has already ended.", schema: ErrorEnvelopeSchema },
  },
};

export function registerCancelExecution(app: Hono, deps: GatewayDeps): void {
  app.post(honoPath(cancelExecutionSpec), requireRole(deps, "operator"), async (c) => {
    const id = pathParam(c, "id");
    if (!v.is(RunIdSchema, id)) {
      return apiError(c, 400, "InvalidExecutionId", "An execution id looks like run-20261124-060000-ab12.");
    }
    const hasBody =
      (c.req.header("content-length") ?? "0") !== "0" || c.req.header("content-type") !== undefined;
    const body = hasBody ? await jsonBody(c) : { ok: true as const, value: {} };
    if (!body.ok) return body.response;
    const checked = checkInput(CancelRequestSchema, body.value, "");
    if (!checked.ok)
      return apiError(c, 400, "InvalidRequest", "The cancel request is not valid.", [...checked.problems]);
    const found = await deps.projections.getExecution(id);
    if (found === undefined) return apiError(c, 404, "ExecutionNotFound", `No execution ${id} is known.`);
    if (ENDED.has(found.execution.status)) {
      return apiError(
        c,
        409,
        "ExecutionEnded",
        `Execution ${id} has already ended (${found.execution.status}).`,
      );
    }
    const { reason } = checked.value;
    await deps.publish(
      newEvent("run.cancel.requested", {
        source: SOURCE,
        data: {
          runId: id,
          requestedBy: `${callerOf(c).kind}:${callerOf(c).name}`,
          ...(reason ? { reason } : {}),
        },
      }),
    );
    return c.json({ executionId: id, status: "cancelling" }, 202);
  });
}
