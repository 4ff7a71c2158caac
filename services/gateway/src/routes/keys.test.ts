import { describe, expect, it } from "vitest";
import { testGateway } from "../testing/test-gateway.ts";

async function gateway() {
  const g = await testGateway();
  return { call: g.call, admin: g.key.admin, operator: g.key.operator };
}

describe("/api/keys", () => {
  it("lets an admin create a key that works at once, list keys without secrets, and revoke one", async () => {
    const g = await gateway();
    const created = await g.call("POST", "/api/keys", g.admin, { role: "reader", name: "dashboard" });
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const key = (await created.json()) as { id: string; key: string; role: string };
    expect(key).toMatchObject({ role: "reader", name: "dashboard" });
    expect((await g.call("GET", "/api/scenarios", key.key)).status).toBe(200);

    const listed = (await (await g.call("GET", "/api/keys", g.admin)).json()) as { items: { id: string }[] };
    expect(listed.items.map((k) => k.id)).toContain(key.id);
    expect(JSON.stringify(listed)).not.toContain(key.key.split("_")[2]);

    expect((await g.call("DELETE", `/api/keys/${key.id}`, g.admin)).status).toBe(204);
    expect((await g.call("GET", "/api/scenarios", key.key)).status).toBe(401);
    expect((await g.call("DELETE", `/api/keys/${key.id}`, g.admin)).status).toBe(404);
  });

  it("answers a bad key request with 400 naming the fields", async () => {
    const g = await gateway();
    const response = await g.call("POST", "/api/keys", g.admin, { role: "root", name: "" });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { details: { path: string }[] } };
    expect(error.details.map((d) => d.path).sort()).toEqual(["name", "role"]);
  });

  it("is for admins only: 401 without a key, 403 for an operator", async () => {
    const g = await gateway();
    expect((await g.call("GET", "/api/keys")).status).toBe(401);
    expect((await g.call("GET", "/api/keys", g.operator)).status).toBe(403);
    expect((await g.call("POST", "/api/keys", g.operator, { role: "admin", name: "escalate" })).status).toBe(
      403,
    );
    expect((await g.call("DELETE", "/api/keys/000000000000", g.operator)).status).toBe(403);
  });
});
