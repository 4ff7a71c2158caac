// GET /api/identities — the service principals provisioned for agents, ordered by run then agent id.
// The secret's reference (secretRef) never leaves the gateway, even though it is not the secret itself.
import { RunIdSchema } from "@haymaker/contracts";
import type { IdentityRecord, Page } from "@haymaker/projections";
import { IdentityPageSchema } from "@haymaker/projections";
import type { Hono } from "hono";
import * as v from "valibot";
import type { GatewayDeps } from "../gateway-deps.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { readAnswer } from "../read-answer.ts";
import { pageParams, readQuery, storeRead } from "./read-query.ts";

export const ListIdentitiesQuerySchema = v.strictObject({
  executionId: v.optional(RunIdSchema),
  ...pageParams,
});
export type ListIdentitiesQuery = v.InferOutput<typeof ListIdentitiesQuerySchema>;
export type IdentitySummary = Omit<IdentityRecord, "secretRef">;
export type ListIdentitiesResponse = Page<IdentitySummary>;

export function withoutSecretRef(record: IdentityRecord): IdentitySummary {
  const { secretRef: _secretRef, ...rest } = record;
  return rest;
}

export const listIdentitiesSpec: RouteSpec = {
  method: "get",
  path: "/api/identities",
  operationId: "listIdentities",
  summary: "The agents' identities (never a secret)",
  tag: "Identities",
  role: "reader",
  query: ListIdentitiesQuerySchema,
  responses: {
    200: {
      description:
        "A page of identities: name, app id, roles and scope, created and deleted. No secret reference.",
      schema: IdentityPageSchema,
    },
  },
};

export function registerListIdentities(app: Hono, deps: GatewayDeps): void {
  app.get(honoPath(listIdentitiesSpec), async (c) => {
    const query = readQuery(c, ListIdentitiesQuerySchema);
    if (!query.ok) return query.response;
    const { executionId, ...rest } = query.value;
    const page = await storeRead(c, () =>
      deps.projections.listIdentities({
        ...rest,
        ...(executionId === undefined ? {} : { runId: executionId }),
      }),
    );
    if (!page.ok) return page.response;
    const response: ListIdentitiesResponse = {
      items: page.value.items.map(withoutSecretRef),
      ...(page.value.continuation === undefined ? {} : { continuation: page.value.continuation }),
    };
    return readAnswer(c, response);
  });
}
