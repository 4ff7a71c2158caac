// /api/keys — admins create, list and revoke API keys. A new key's secret is in the creation answer only;
// the store keeps its hash.
import { checkInput } from "@haymaker/contracts";
import type { Hono } from "hono";
import * as v from "valibot";
import { ROLES } from "../auth/api-key-store.ts";
import { requireRole } from "../auth/authenticate.ts";
import { apiError, jsonBody } from "../errors.ts";
import type { GatewayDeps } from "../gateway-deps.ts";

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

export function registerKeys(app: Hono, deps: GatewayDeps): void {
  const admin = requireRole(deps.keys, "admin");

  app.post("/api/keys", admin, async (c) => {
    const body = await jsonBody(c);
    if (!body.ok) return body.response;
    const checked = checkInput(CreateKeySchema, body.value, "");
    if (!checked.ok)
      return apiError(c, 400, "InvalidRequest", "The key request is not valid.", [...checked.problems]);
    const { record, key } = await deps.keys.create(checked.value.role, checked.value.name);
    return c.json({ ...record, key }, 201, { "cache-control": "no-store" });
  });

  app.get("/api/keys", admin, async (c) => c.json({ items: await deps.keys.list() }));

  app.delete("/api/keys/:id", admin, async (c) => {
    const id = c.req.param("id");
    if (!(await deps.keys.revoke(id))) {
      return apiError(c, 404, "KeyNotFound", `No live API key has the id '${id.slice(0, 40)}'.`);
    }
    return c.body(null, 204);
  });
}
