// /api/keys — admins create, list and revoke API keys. A new key's secret is in the creation answer only;
// the store keeps its hash.
import { checkInput } from "@haymaker/contracts";
import type { Hono } from "hono";
import * as v from "valibot";
import { ROLES } from "../auth/api-key-store.ts";
import { requireRole } from "../auth/authenticate.ts";
import { apiError, jsonBody } from "../errors.ts";
import type { GatewayDeps } from "../gateway-deps.ts";
import { ErrorEnvelopeSchema } from "../openapi/error-schema.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { readAnswer } from "../read-answer.ts";
import { pathParam } from "./read-query.ts";

export const CreateKeySchema = v.strictObject({
  role: v.picklist(ROLES, `expected one of ${ROLES.join(", ")}`),
  name: v.pipe(
    v.string(),
    v.regex(
      /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/,
      "expected a name of 1-64 letters, digits, spaces, '.', '_' or '-'",
    ),
  ),
});
export type CreateKeyRequest = v.InferOutput<typeof CreateKeySchema>;

const apiKeyEntries = {
  id: v.string(),
  name: v.string(),
  role: v.picklist(ROLES),
  createdAt: v.string(),
  revokedAt: v.optional(v.string()),
};
const ApiKeyRecordSchema = v.pipe(v.strictObject(apiKeyEntries), v.title("ApiKey"));

export const createKeySpec: RouteSpec = {
  method: "post",
  path: "/api/keys",
  operationId: "createKey",
  summary: "Create an API key",
  tag: "Keys",
  role: "admin",
  body: CreateKeySchema,
  responses: {
    201: {
      description: "The key. Its secret (key) is shown here only, never again.",
      schema: v.strictObject({ ...apiKeyEntries, key: v.string() }),
    },
    415: { description: "The body is not JSON.", schema: ErrorEnvelopeSchema },
  },
};

export const listKeysSpec: RouteSpec = {
  method: "get",
  path: "/api/keys",
  operationId: "listKeys",
  summary: "API keys (no secrets)",
  tag: "Keys",
  role: "admin",
  responses: {
    200: {
      description: "Every key, live and revoked.",
      schema: v.strictObject({ items: v.array(ApiKeyRecordSchema) }),
    },
  },
};

export const revokeKeySpec: RouteSpec = {
  method: "delete",
  path: "/api/keys/{id}",
  operationId: "revokeKey",
  summary: "Revoke an API key",
  tag: "Keys",
  role: "admin",
  pathParams: { id: { schema: v.string(), description: "The key's id (from the list)." } },
  responses: {
    204: { description: "Revoked: the key no longer authenticates." },
    404: { description: "No live key has this id.", schema: ErrorEnvelopeSchema },
  },
};

export function registerKeys(app: Hono, deps: GatewayDeps): void {
  const admin = requireRole(deps, "admin");

  app.post(honoPath(createKeySpec), admin, async (c) => {
    const body = await jsonBody(c);
    if (!body.ok) return body.response;
    const checked = checkInput(CreateKeySchema, body.value, "");
    if (!checked.ok)
      return apiError(c, 400, "InvalidRequest", "The key request is not valid.", [...checked.problems]);
    const { record, key } = await deps.keys.create(checked.value.role, checked.value.name);
    return c.json({ ...record, key }, 201, { "cache-control": "no-store" });
  });

  app.get(honoPath(listKeysSpec), admin, async (c) => readAnswer(c, { items: await deps.keys.list() }));

  app.delete(honoPath(revokeKeySpec), admin, async (c) => {
    const id = pathParam(c, "id");
    if (!(await deps.keys.revoke(id))) {
      return apiError(c, 404, "KeyNotFound", `No live API key has the id '${id.slice(0, 40)}'.`);
    }
    return c.body(null, 204);
  });
}
