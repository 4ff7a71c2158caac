// POST /api/dead-letters/replay (operator) and DELETE /api/dead-letters (admin) — replay or purge the dead
// letters chosen by ids, a failure group or a filter. dryRun answers how many match and a sample; otherwise
// the work starts as an operation (202, Location /api/replays/{id}) to watch and, if need be, abort.
import { checkInput } from "@haymaker/contracts";
import type { OperationKind } from "@haymaker/dead-letters";
import type { Hono } from "hono";
import * as v from "valibot";
import { callerOf, requireRole } from "../auth/authenticate.ts";
import { apiError, jsonBody } from "../errors.ts";
import type { GatewayDeps } from "../gateway-deps.ts";
import { ErrorEnvelopeSchema } from "../openapi/error-schema.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { deadLettersOf, dryRun } from "./dead-letter-access.ts";
import {
  DryRunSchema,
  OperationRequestSchema,
  ReplayOperationSchema,
  selectionOf,
} from "./dead-letter-schemas.ts";

const responses = {
  200: { description: "dryRun: how many match, and a sample.", schema: DryRunSchema },
  202: {
    description: "The operation started; follow it at Location.",
    schema: v.object({ operation: ReplayOperationSchema }),
    headers: { Location: "/api/replays/{id}" },
  },
  415: { description: "The body is not JSON.", schema: ErrorEnvelopeSchema },
  503: { description: "The gateway has no bus connection." },
};

export const replayDeadLettersSpec: RouteSpec = {
  method: "post",
  path: "/api/dead-letters/replay",
  operationId: "replayDeadLetters",
  summary: "Replay dead letters",
  description:
    "Each is sent to its topic again — the same event id, so idempotent handlers recognise it, with its " +
    "replaycount raised — and removed from its dead-letter queue only after the send succeeded.",
  tag: "Dead letters",
  role: "operator",
  body: OperationRequestSchema,
  responses,
};

export const purgeDeadLettersSpec: RouteSpec = {
  method: "delete",
  path: "/api/dead-letters",
  operationId: "purgeDeadLetters",
  summary: "Delete dead letters for good",
  tag: "Dead letters",
  role: "admin",
  body: OperationRequestSchema,
  responses,
};

function register(app: Hono, deps: GatewayDeps, spec: RouteSpec, kind: OperationKind): void {
  const handler = requireRole(deps, spec.role === "admin" ? "admin" : "operator");
  app.on(spec.method.toUpperCase(), honoPath(spec), handler, async (c) => {
    const body = await jsonBody(c);
    if (!body.ok) return body.response;
    const checked = checkInput(OperationRequestSchema, body.value, "");
    if (!checked.ok)
      return apiError(c, 400, "InvalidRequest", `The ${kind} request is not valid.`, [...checked.problems]);
    const selection = selectionOf(checked.value);
    if (!selection.success) {
      return apiError(
        c,
        400,
        "InvalidSelection",
        'Choose dead letters by "ids", "group" or "filter" (one of them).',
        [
          ...selection.issues.map((issue) => ({
            path: issue.path?.map((p) => String(p.key)).join(".") ?? "",
            reason: issue.message,
          })),
        ],
      );
    }
    const access = deadLettersOf(c, deps);
    if (access instanceof Response) return access;
    if (checked.value.dryRun) return c.json(await dryRun(access, selection.output), 200);
    const caller = callerOf(c);
    const operation = await access.operations.start({
      kind,
      selection: selection.output,
      requestedBy: `${caller.kind}:${caller.name}`,
      ...(checked.value.name === undefined ? {} : { name: checked.value.name }),
    });
    return c.json({ operation }, 202, { location: `/api/replays/${operation.id}` });
  });
}

export function registerReplayDeadLetters(app: Hono, deps: GatewayDeps): void {
  register(app, deps, replayDeadLettersSpec, "replay");
}

export function registerPurgeDeadLetters(app: Hono, deps: GatewayDeps): void {
  register(app, deps, purgeDeadLettersSpec, "purge");
}
