// POST /api/dead-letters/{id}/edit (admin, and only when HAYMAKER_DLQ_EDIT=on) — edit-and-retry: a copy of
// the dead-lettered event with the data the admin gives, a new id and a `replayof` link to the original, is
// checked against its type's schema and sent to the topic; then the original is removed from its queue.
// Secret-bearing fields the admin never saw (GET hides them) are kept from the original.
import { randomUUID } from "node:crypto";
import { encodeEvent } from "@haymaker/cloudevents";
import {
  checkInput,
  EnvelopeError,
  EventDataError,
  type HayMakerEvent,
  parseEvent,
} from "@haymaker/contracts";
import type { Hono } from "hono";
import * as v from "valibot";
import { requireRole } from "../auth/authenticate.ts";
import { apiError, jsonBody } from "../errors.ts";
import type { GatewayDeps } from "../gateway-deps.ts";
import { ErrorEnvelopeSchema } from "../openapi/error-schema.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { withHiddenSecretsRestored } from "../without-secrets.ts";
import { deadLettersOf } from "./dead-letter-access.ts";
import { DeadLetterIdParam, invalidDeadLetterId } from "./get-dead-letter.ts";
import { pathParam } from "./read-query.ts";

export const EditRequestSchema = v.strictObject({
  data: v.pipe(
    v.record(v.string(), v.unknown(), "expected the event's data as a JSON object"),
    v.description("The whole new data of the event; checked against its type's schema."),
  ),
});

export const editDeadLetterSpec: RouteSpec = {
  method: "post",
  path: "/api/dead-letters/{id}/edit",
  operationId: "editAndRetryDeadLetter",
  summary: "Edit a dead letter's data and send the copy (edit-and-retry)",
  description: "Off unless the gateway runs with HAYMAKER_DLQ_EDIT=on.",
  tag: "Dead letters",
  role: "admin",
  pathParams: { id: DeadLetterIdParam },
  body: EditRequestSchema,
  responses: {
    202: {
      description: "The copy was sent and the original removed.",
      schema: v.object({ eventId: v.string(), replayOf: v.string() }),
    },
    403: { description: "Edit-and-retry is off.", schema: ErrorEnvelopeSchema },
    404: { description: "No such dead letter in its queue.", schema: ErrorEnvelopeSchema },
    409: {
      description: "The message is not a CloudEvent, so there is nothing to edit.",
      schema: ErrorEnvelopeSchema,
    },
  },
};

export function registerEditDeadLetter(app: Hono, deps: GatewayDeps): void {
  app.post(honoPath(editDeadLetterSpec), requireRole(deps, "admin"), async (c) => {
    const id = pathParam(c, "id");
    const invalid = invalidDeadLetterId(c, id);
    if (invalid) return invalid;
    const access = deadLettersOf(c, deps);
    if (access instanceof Response) return access;
    if (!access.editEnabled) {
      return apiError(
        c,
        403,
        "EditDisabled",
        "Edit-and-retry is off; an operator turns it on with HAYMAKER_DLQ_EDIT=on.",
      );
    }
    const body = await jsonBody(c);
    if (!body.ok) return body.response;
    const checked = checkInput(EditRequestSchema, body.value, "");
    if (!checked.ok)
      return apiError(c, 400, "InvalidRequest", "The edit is not valid.", [...checked.problems]);
    const letter = await access.queues.get(id);
    if (letter === undefined)
      return apiError(c, 404, "DeadLetterNotFound", `No dead letter ${id} is in its queue.`);
    if (letter.event === undefined) {
      return apiError(
        c,
        409,
        "NotAnEvent",
        "This dead letter is not a CloudEvent; replay or purge it instead.",
      );
    }
    const { replaycount: _count, ...original } = letter.event;
    let copy: HayMakerEvent;
    try {
      const data = withHiddenSecretsRestored(checked.value.data, original.data);
      copy = parseEvent({ ...original, id: randomUUID(), data, replayof: original.id });
    } catch (error) {
      if (!(error instanceof EventDataError || error instanceof EnvelopeError)) throw error;
      return apiError(c, 400, "InvalidEventData", `The edited data does not fit ${original.type}.`, [
        ...error.problems.map((problem) => ({ path: problem.path, reason: problem.reason })),
      ]);
    }
    if (!(await access.queues.resendEdited(id, encodeEvent(copy)))) {
      return apiError(c, 404, "DeadLetterNotFound", `Dead letter ${id} left its queue meanwhile.`);
    }
    return c.json({ eventId: copy.id, replayOf: original.id }, 202);
  });
}
