// GET /api/cleanups/{id} — an operator's cleanup: requested until force-cleanup reports back, then completed
// with what it deleted and what it could not, and why, per agent. POST /api/cleanup's Location points here,
// and answers at once: the gateway records the request as it publishes it.
import { CleanupIdSchema } from "@haymaker/contracts";
import { type CleanupRecord, CleanupRecordSchema } from "@haymaker/projections";
import type { Hono } from "hono";
import * as v from "valibot";
import { apiError } from "../errors.ts";
import type { GatewayDeps } from "../gateway-deps.ts";
import { ErrorEnvelopeSchema } from "../openapi/error-schema.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { readAnswer } from "../read-answer.ts";
import { pathParam, storeRead } from "./read-query.ts";

export type GetCleanupResponse = CleanupRecord;

export const getCleanupSpec: RouteSpec = {
  method: "get",
  path: "/api/cleanups/{id}",
  operationId: "getCleanup",
  summary: "An operator's cleanup, and what it did",
  description:
    "Requested until force-cleanup reports back; then completed, with per agent the resources deleted and " +
    "those it could not delete (and why), and whether the identity and its secret are gone. Poll it until " +
    "status is completed.",
  tag: "Cleanup",
  role: "reader",
  pathParams: {
    id: { schema: CleanupIdSchema, description: "The cleanup's id, e.g. cleanup-20261124-150000-ab12." },
  },
  responses: {
    200: { description: "The cleanup.", schema: CleanupRecordSchema },
    404: { description: "No cleanup with this id is known.", schema: ErrorEnvelopeSchema },
  },
};

export function registerGetCleanup(app: Hono, deps: GatewayDeps): void {
  app.get(honoPath(getCleanupSpec), async (c) => {
    const id = pathParam(c, "id");
    if (!v.is(CleanupIdSchema, id)) {
      return apiError(c, 400, "InvalidCleanupId", "A cleanup id looks like cleanup-20261124-150000-ab12.", [
        {
          path: "id",
          reason: 'expected a cleanup id: "cleanup-", then lowercase letters, digits and hyphens',
        },
      ]);
    }
    const cleanup = await storeRead(c, () => deps.projections.getCleanup(id));
    if (!cleanup.ok) return cleanup.response;
    if (cleanup.value === undefined) {
      return apiError(c, 404, "CleanupNotFound", `No cleanup ${id} is known.`);
    }
    const response: GetCleanupResponse = cleanup.value;
    return readAnswer(c, response);
  });
}
