// POST /api/execute — asks for a run: named scenarios or a size, a duration, tags. The gateway writes
// run.requested onto the bus (validate decides whether the run can start) and answers 202 with the
// execution id to poll. It also applies that event to the projections itself, so the Location it hands out
// answers at once, on any replica, instead of 404 until the projector catches up; the projector applying
// the same event later changes nothing (the store keeps each event id once).
import { randomBytes } from "node:crypto";
import { newEvent } from "@haymaker/cloudevents";
import {
  checkInput,
  type EventOf,
  RUN_SIZES,
  RunDurationSchema,
  ScenarioIdSchema,
  TagsSchema,
} from "@haymaker/contracts";
import type { Hono } from "hono";
import * as v from "valibot";
import { callerOf, requireRole } from "../auth/authenticate.ts";
import { apiError, jsonBody } from "../errors.ts";
import type { RouteDeps } from "../gateway-deps.ts";
import { ErrorEnvelopeSchema } from "../openapi/error-schema.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { publishAndRecord } from "./publish-and-record.ts";

export const SOURCE = "/haymaker/gateway";

export const ExecuteRequestSchema = v.pipe(
  v.strictObject({
    scenarios: v.optional(
      v.pipe(
        v.array(ScenarioIdSchema),
        v.minLength(1, "expected at least one scenario id"),
        v.maxLength(50, "expected at most 50 scenario ids"),
        v.check((ids) => new Set(ids).size === ids.length, "expected distinct scenario ids"),
      ),
    ),
    size: v.optional(v.picklist(RUN_SIZES, `expected one of ${RUN_SIZES.join(", ")}`)),
    duration: v.optional(RunDurationSchema, "PT8H"),
    tags: v.optional(TagsSchema, {}),
  }),
  v.check((body) => !(body.scenarios && body.size), 'give "scenarios" or "size", not both'),
);
export type ExecuteRequest = v.InferOutput<typeof ExecuteRequestSchema>;

export const ExecuteResponseSchema = v.strictObject({
  executionId: v.pipe(v.string(), v.description("The new run's id: poll /api/executions/{id}.")),
  status: v.literal("requested"),
  links: v.strictObject({ self: v.string() }),
});
export type ExecuteResponse = v.InferOutput<typeof ExecuteResponseSchema>;

export const executeSpec: RouteSpec = {
  method: "post",
  path: "/api/execute",
  operationId: "execute",
  summary: "Ask for a run",
  description:
    "Writes run.requested onto the bus: named scenarios or a size, a duration and tags. Validation of " +
    "the run happens in the pipeline; poll the execution to see it start or be rejected.",
  tag: "Executions",
  role: "operator",
  rateLimit: "execute",
  body: ExecuteRequestSchema,
  responses: {
    202: {
      description: "The run was requested.",
      schema: ExecuteResponseSchema,
      headers: { Location: "The execution to poll." },
    },
    415: { description: "The body is not JSON.", schema: ErrorEnvelopeSchema },
  },
};

/** run-YYYYMMDD-HHMMSS-xxxx: sortable by time, unique even for requests in the same second. */
export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `run-${stamp}-${randomBytes(2).toString("hex")}`;
}

export function registerExecute(app: Hono, deps: RouteDeps): void {
  app.post(honoPath(executeSpec), requireRole(deps, "operator"), async (c) => {
    const body = await jsonBody(c);
    if (!body.ok) return body.response;
    const checked = checkInput(ExecuteRequestSchema, body.value, "");
    if (!checked.ok) {
      return apiError(c, 400, "InvalidRequest", "The execute request is not valid.", [...checked.problems]);
    }
    const request = checked.value;
    const now = new Date();
    const runId = newRunId(now);
    const selection = request.scenarios
      ? { scenarios: request.scenarios }
      : { size: request.size ?? "small" };
    // Its traceparent continues the request's trace (app.ts runs every request in one).
    const event: EventOf<"run.requested"> = newEvent("run.requested", {
      source: SOURCE,
      data: {
        runId,
        requestedBy: `${callerOf(c).kind}:${callerOf(c).name}`,
        requestedAt: now.toISOString(),
        duration: request.duration,
        tags: request.tags,
        ...selection,
      },
    });
    await publishAndRecord(deps, event, c.req.path);
    const response: ExecuteResponse = {
      executionId: runId,
      status: "requested",
      links: { self: `/api/executions/${runId}` },
    };
    return c.json(response, 202, { location: response.links.self });
  });
}
