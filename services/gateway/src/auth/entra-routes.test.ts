// Entra ID callers through the whole gateway, beside API keys.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type HayMakerEvent, loadScenarioCatalogue } from "@haymaker/contracts";
import { SqliteProjectionStore } from "@haymaker/projections";
import { FileReportStore } from "@haymaker/stores";
import { afterEach, describe, expect, it } from "vitest";
import { createGateway } from "../app.ts";
import { startTestAuthority, type TestAuthority } from "./entra-test-authority.ts";
import { EntraTokenVerifier } from "./entra-tokens.ts";
import { SqliteApiKeyStore } from "./sqlite-api-key-store.ts";

const SCENARIOS = fileURLToPath(new URL("../../../../scenarios", import.meta.url));

const started: TestAuthority[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((authority) => authority.close()));
});

async function gateway(options: { entra?: boolean; executeLimitPerMinute?: number } = {}) {
  const authority = await startTestAuthority();
  started.push(authority);
  const published: HayMakerEvent[] = [];
  const logged: string[] = [];
  const keys = new SqliteApiKeyStore(":memory:");
  const operatorKey = (await keys.create("operator", "key-operator")).key;
  const app = createGateway(
    {
      publish: async (event) => void published.push(event),
      catalogue: () => loadScenarioCatalogue(SCENARIOS),
      projections: SqliteProjectionStore.inMemory(),
      reports: new FileReportStore(mkdtempSync(join(tmpdir(), "gateway-entra-"))),
      keys,
      ...(options.entra === false
        ? {}
        : { entra: new EntraTokenVerifier(authority.settings, { log: (message) => logged.push(message) }) }),
      executeLimitPerMinute: options.executeLimitPerMinute ?? 10,
    },
    () => {},
  );
  const call = (method: string, path: string, credential?: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: {
        ...(credential === undefined ? {} : { authorization: `Bearer ${credential}` }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const tokenWithRoles = (...roles: string[]) => authority.token({ roles });
  return { app, authority, published, logged, operatorKey, call, tokenWithRoles };
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe("Entra ID callers", () => {
  it("lets a reader read but not execute", async () => {
    const g = await gateway();
    const reader = await g.tokenWithRoles("HayMaker.Reader");
    expect((await g.call("GET", "/api/scenarios", reader)).status).toBe(200);
    const refused = await g.call("POST", "/api/execute", reader, {});
    expect(refused.status).toBe(403);
    expect(await errorOf(refused)).toMatchObject({
      code: "Forbidden",
      message: "This needs the operator role; the Entra ID caller 'alice@contoso.example' is reader.",
    });
    expect(g.published).toEqual([]);
  });

  it("lets an operator execute, recording the Entra caller as who asked", async () => {
    const g = await gateway();
    const response = await g.call("POST", "/api/execute", await g.tokenWithRoles("HayMaker.Operator"), {});
    expect(response.status).toBe(202);
    expect(g.published[0]?.data).toMatchObject({ requestedBy: "entra:alice@contoso.example" });
  });

  it("lets an admin manage API keys", async () => {
    const g = await gateway();
    const admin = await g.tokenWithRoles("HayMaker.Admin");
    const created = await g.call("POST", "/api/keys", admin, { role: "reader", name: "dashboard" });
    expect(created.status).toBe(201);
    expect((await g.call("GET", "/api/keys", admin)).status).toBe(200);
    expect((await g.call("GET", "/api/keys", await g.tokenWithRoles("HayMaker.Operator"))).status).toBe(403);
  });

  it("answers a valid token without any HayMaker app role with 403, not 401", async () => {
    const g = await gateway();
    const response = await g.call("GET", "/api/scenarios", await g.tokenWithRoles());
    expect(response.status).toBe(403);
    const error = await errorOf(response);
    expect(error.code).toBe("Forbidden");
    expect(error.message).toContain("HayMaker.Reader, HayMaker.Operator, HayMaker.Admin");
  });

  it("answers an expired or foreign token with 401 invalid_token, naming the problem but not the token", async () => {
    const g = await gateway();
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      [await g.authority.token({ exp: now - 600 }), "the token has expired"],
      [await g.authority.token({ aud: "api://another-api" }), "the token is not for this API (audience)"],
      [await g.authority.token({ tid: "0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b" }), "another tenant (tid)"],
    ] as const;
    for (const [token, problem] of cases) {
      const response = await g.call("GET", "/api/scenarios", token);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="haymaker", error="invalid_token"');
      const text = await response.text();
      expect(text).toContain(problem);
      expect(text).not.toContain(token.split(".")[2]);
      expect(text).not.toMatch(/ERR_J|jose|at .*\.js/);
    }
  });

  it("answers 503 AuthUnavailable, and logs it, when the tenant's signing keys cannot be fetched", async () => {
    const g = await gateway();
    const token = await g.tokenWithRoles("HayMaker.Reader");
    await g.authority.close();
    const response = await g.call("GET", "/api/scenarios", token);
    expect(response.status).toBe(503);
    expect((await errorOf(response)).code).toBe("AuthUnavailable");
    expect(g.logged).toHaveLength(1);
    // API keys do not depend on Entra and keep working meanwhile.
    expect((await g.call("GET", "/api/scenarios", g.operatorKey)).status).toBe(200);
  });
});

describe("API keys beside Entra ID", () => {
  it("keep working in either header, and a bad key is still answered as a key", async () => {
    const g = await gateway();
    expect((await g.call("GET", "/api/scenarios", g.operatorKey)).status).toBe(200);
    const viaHeader = await g.app.request("/api/scenarios", { headers: { "x-api-key": g.operatorKey } });
    expect(viaHeader.status).toBe(200);
    expect(
      (await g.call("GET", "/api/scenarios", "hm_000000000000_not-a-real-key-not-a-real-key-not-a-real-key1"))
        .status,
    ).toBe(401);
    const response = await g.call("POST", "/api/execute", g.operatorKey, {});
    expect(response.status).toBe(202);
    expect(g.published[0]?.data).toMatchObject({ requestedBy: "api-key:key-operator" });
    const garbage = await g.call("GET", "/api/scenarios", "not-a-key");
    expect(garbage.status).toBe(401);
    expect(garbage.headers.get("www-authenticate")).toBe('Bearer realm="haymaker"');
    expect((await errorOf(garbage)).message).toBe("The API key is not valid or has been revoked.");
  });

  it("give Entra callers and keys separate execute budgets", async () => {
    const g = await gateway({ executeLimitPerMinute: 1 });
    const operator = await g.tokenWithRoles("HayMaker.Operator");
    expect((await g.call("POST", "/api/execute", operator, {})).status).toBe(202);
    expect((await g.call("POST", "/api/execute", operator, {})).status).toBe(429);
    expect((await g.call("POST", "/api/execute", g.operatorKey, {})).status).toBe(202);
  });

  it("are the only credential when Entra is not configured: a JWT is refused like a bad key", async () => {
    const g = await gateway({ entra: false });
    const response = await g.call("GET", "/api/scenarios", await g.tokenWithRoles("HayMaker.Admin"));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="haymaker"');
    expect(g.authority.jwksFetches()).toBe(0);
  });
});
