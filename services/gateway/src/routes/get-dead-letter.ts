// GET /api/dead-letters/{id} — one dead letter whole: its CloudEvent (attributes and data) or raw body,
// application properties, delivery count, reason, cause and the queue it came from; never a secret-bearing
// field of its event (without-secrets.ts).
import { parseDeadLetterId } from "@haymaker/dead-letters";
import type { Hono } from "hono";
import * as v from "valibot";
import { requireRole } from "../auth/authenticate.ts";
import { apiError } from "../errors.ts";
import type { GatewayDeps } from "../gateway-deps.ts";
import { ErrorEnvelopeSchema } from "../openapi/error-schema.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { readAnswer } from "../read-answer.ts";
import { withoutSecrets } from "../without-secrets.ts";
import { deadLettersOf } from "./dead-letter-access.ts";
import { DeadLetterSchema } from "./dead-letter-schemas.ts";
import { pathParam } from "./read-query.ts";

export const DeadLetterIdParam = {
  schema: v.pipe(v.string(), v.regex(/^[a-z0-9-]+\.[a-z0-9-]+\.\d+$/)),
  description: "<topic>.<subscription>.<sequence number>, e.g. agent-selected.provision.42",
};

export const getDeadLetterSpec: RouteSpec = {
  method: "get",
  path: "/api/dead-letters/{id}",
  operationId: "getDeadLetter",
  summary: "One dead letter, whole",
  tag: "Dead letters",
  role: "operator",
  pathParams: { id: DeadLetterIdParam },
  responses: {
    200: { description: "The dead letter.", schema: DeadLetterSchema },
    404: { description: "It is not (or no longer) in its dead-letter queue.", schema: ErrorEnvelopeSchema },
    503: { description: "The gateway has no bus connection." },
  },
};

export function invalidDeadLetterId(c: Parameters<typeof apiError>[0], id: string): Response | undefined {
  if (parseDeadLetterId(id) !== undefined) return undefined;
  return apiError(c, 400, "InvalidDeadLetterId", "A dead-letter id looks like agent-selected.provision.42.", [
    { path: "id", reason: "expected <topic>.<subscription>.<sequence number>" },
  ]);
}

export function registerGetDeadLetter(app: Hono, deps: GatewayDeps): void {
  app.get(honoPath(getDeadLetterSpec), requireRole(deps, "operator"), async (c) => {
    const id = pathParam(c, "id");
    const invalid = invalidDeadLetterId(c, id);
    if (invalid) return invalid;
    const access = deadLettersOf(c, deps);
    if (access instanceof Response) return access;
    const letter = await access.queues.get(id);
    if (letter === undefined) {
      return apiError(
        c,
        404,
        "DeadLetterNotFound",
        `No dead letter ${id} is in its queue (replayed or purged already?).`,
      );
    }
    return readAnswer(c, withoutSecrets(letter));
  });
}
