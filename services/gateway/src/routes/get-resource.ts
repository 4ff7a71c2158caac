// GET /api/resources/{id} — one resource by its record id (res-…) or its ARM id. An ARM id holds slashes:
// send it percent-encoded (%2F) or as is; both reach this route.
import { ResourceLookupSchema, type ResourceRecord, ResourceRecordSchema } from "@haymaker/projections";
import type { Hono } from "hono";
import * as v from "valibot";
import { apiError } from "../errors.ts";
import type { GatewayDeps } from "../gateway-deps.ts";
import { ErrorEnvelopeSchema } from "../openapi/error-schema.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { readAnswer } from "../read-answer.ts";
import { pathParam, storeRead } from "./read-query.ts";

export type GetResourceResponse = ResourceRecord;

export const getResourceSpec: RouteSpec = {
  method: "get",
  path: "/api/resources/{id}",
  operationId: "getResource",
  summary: "One resource",
  tag: "Resources",
  role: "reader",
  pathParams: {
    id: {
      schema: v.string(),
      description: "Its record id (res-…) or its ARM id, percent-encoded or as is.",
      spansSlashes: true,
    },
  },
  responses: {
    200: { description: "The resource.", schema: ResourceRecordSchema },
    404: { description: "No resource with this id is known.", schema: ErrorEnvelopeSchema },
  },
};

export function registerGetResource(app: Hono, deps: GatewayDeps): void {
  app.get(honoPath(getResourceSpec), async (c) => {
    const raw = pathParam(c, "id");
    // Sent unencoded, an ARM id's leading slash is the path's own: put it back.
    const id = raw.startsWith("res-") || raw.startsWith("/") ? raw : `/${raw}`;
    if (!v.is(ResourceLookupSchema, id)) {
      return apiError(c, 400, "InvalidResourceId", "A resource id is a record id (res-…) or an ARM id.", [
        { path: "id", reason: "expected a resource record id (res-…) or an ARM resource id" },
      ]);
    }
    const resource = await storeRead(c, () => deps.projections.getResource(id));
    if (!resource.ok) return resource.response;
    if (resource.value === undefined) {
      return apiError(c, 404, "ResourceNotFound", "No resource with this id is known.");
    }
    const response: GetResourceResponse = resource.value;
    return readAnswer(c, response);
  });
}
