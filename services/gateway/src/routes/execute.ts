// POST /api/execute — asks for a run: named scenarios or a size, a duration, tags. The gateway only
// writes run.requested onto the bus (validate decides whether the run can start) and answers 202 with
// the execution id to poll.
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
import { rateLimit } from "../auth/rate-limit.ts";
import { apiError, jsonBody } from "../errors.ts";
import type { GatewayDeps } from "../gateway-deps.ts";

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

export interface ExecuteResponse {
  executionId: string;
  status: "requested";
  links: { self: string };
}

/** run-YYYYMMDD-HHMMSS-xxxx: sortable by time, unique even for requests in the same second. */
export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `run-${stamp}-${randomBytes(2).toString("hex")}`;
}

export function registerExecute(app: Hono, deps: GatewayDeps): void {
  app.post(
    "/api/execute",
    requireRole(deps.keys, "operator"),
    rateLimit(deps.executeLimitPerMinute),
    async (c) => {
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
      const traceparent = c.req.header("traceparent");
      const event: EventOf<"run.requested"> = newEvent("run.requested", {
        source: SOURCE,
        ...(traceparent && /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(traceparent)
          ? { traceparent }
          : {}),
        data: {
          runId,
          requestedBy: `api-key:${callerOf(c).name}`,
          requestedAt: now.toISOString(),
          duration: request.duration,
          tags: request.tags,
          ...selection,
        },
      });
      await deps.publish(event);
      const response: ExecuteResponse = {
        executionId: runId,
        status: "requested",
        links: { self: `/api/executions/${runId}` },
      };
      return c.json(response, 202, { location: response.links.self });
    },
  );
}
