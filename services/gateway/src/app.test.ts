import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { newEvent } from "@haymaker/cloudevents";
import { EXAMPLE_DATA, type HayMakerEvent, loadScenarioCatalogue } from "@haymaker/contracts";
import { SqliteProjectionStore } from "@haymaker/projections";
import { FileReportStore } from "@haymaker/stores";
import { describe, expect, it } from "vitest";
import { createGateway } from "./app.ts";
import { SqliteApiKeyStore } from "./auth/sqlite-api-key-store.ts";

const SCENARIOS = fileURLToPath(new URL("../../../scenarios", import.meta.url));

async function gateway(options: { executeLimitPerMinute?: number } = {}) {
  const published: HayMakerEvent[] = [];
  const errors: unknown[] = [];
  const projections = SqliteProjectionStore.inMemory();
  const reports = new FileReportStore(mkdtempSync(join(tmpdir(), "gateway-")));
  const keys = new SqliteApiKeyStore(":memory:");
  const operator = (await keys.create("operator", "test-operator")).key;
  const reader = (await keys.create("reader", "test-reader")).key;
  const app = createGateway(
    {
      publish: async (event) => void published.push(event),
      catalogue: () => loadScenarioCatalogue(SCENARIOS),
      projections,
      reports,
      keys,
      executeLimitPerMinute: options.executeLimitPerMinute ?? 10,
    },
    (error) => errors.push(error),
  );
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  const get = (path: string, key = reader) => app.request(path, { headers: auth(key) });
  const post = (
    body: unknown,
    headers: Record<string, string> = { "content-type": "application/json", ...auth(operator) },
  ) =>
    app.request("/api/execute", {
      method: "POST",
      headers,
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  return { app, published, errors, projections, reports, keys, operator, reader, auth, get, post };
}

describe("POST /api/execute", () => {
  it("puts run.requested on the bus and answers 202 with the execution id", async () => {
    const g = await gateway();
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const response = await g.post(
      { scenarios: ["nsg-rule-tuning", "vm-start-stop"], duration: "PT20S", tags: { team: "blue" } },
      { "content-type": "application/json", traceparent, ...g.auth(g.operator) },
    );
    expect(response.status).toBe(202);
    const body = (await response.json()) as { executionId: string };
    expect(body.executionId).toMatch(/^run-\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(response.headers.get("location")).toBe(`/api/executions/${body.executionId}`);
    expect(g.published).toHaveLength(1);
    // The event continues the caller's trace, as a child of the request's span.
    expect(g.published[0]?.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(g.published[0]?.traceparent).not.toBe(traceparent);
    expect(g.published[0]).toMatchObject({
      type: "com.haymaker.run.requested.v1",
      data: {
        runId: body.executionId,
        scenarios: ["nsg-rule-tuning", "vm-start-stop"],
        duration: "PT20S",
        tags: { team: "blue" },
        requestedBy: "api-key:test-operator",
      },
    });
  });

  it("defaults to a small run of eight hours", async () => {
    const g = await gateway();
    expect((await g.post({})).status).toBe(202);
    expect(g.published[0]?.data).toMatchObject({ size: "small", duration: "PT8H" });
  });

  it("answers bad input with 400 naming every problem, and sends nothing", async () => {
    const g = await gateway();
    const response = await g.post({ scenarios: ["Not An Id"], duration: "8 hours", colour: "red" });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as {
      error: { code: string; details: { path: string }[]; traceId: string };
    };
    expect(error.code).toBe("InvalidRequest");
    expect(error.details.map((d) => d.path).sort()).toEqual(["colour", "duration", "scenarios[0]"]);
    expect(error.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect((await g.post({ scenarios: ["a-b"], size: "small" })).status).toBe(400);
    expect((await g.post("{not json")).status).toBe(400);
    expect((await g.post("{}", { "content-type": "text/plain", ...g.auth(g.operator) })).status).toBe(415);
    expect(g.published).toEqual([]);
  });
});

describe("GET /api/executions/{id}", () => {
  it("quotes the caller's trace id in an error answer", async () => {
    const g = await gateway();
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const response = await g.app.request("/api/executions/run-20990101-000000-0000", {
      headers: { ...g.auth(g.reader), traceparent },
    });
    expect(response.status).toBe(404);
    const { error } = (await response.json()) as { error: { traceId: string } };
    expect(error.traceId).toBe("0af7651916cd43dd8448eb211c80319c");
  });

  it("shows the run and its agents as projected, and 404 for an unknown run", async () => {
    const g = await gateway();
    const runId = "run-20261124-060000-ab12";
    await g.projections.apply(
      newEvent("run.requested", {
        source: "/haymaker/gateway",
        data: { ...EXAMPLE_DATA["run.requested"], runId },
      }),
    );
    await g.projections.apply(
      newEvent("agent.selected", {
        source: "/haymaker/select",
        data: { ...EXAMPLE_DATA["agent.selected"], runId },
      }),
    );
    const found = await g.get(`/api/executions/${runId}`);
    expect(found.status).toBe(200);
    const body = (await found.json()) as {
      execution: { runId: string; status: string };
      agents: { agentId: string }[];
    };
    expect(body.execution).toMatchObject({ runId, status: "validated" });
    expect(body.agents.map((a) => a.agentId)).toEqual([EXAMPLE_DATA["agent.selected"].agentId]);

    const missing = await g.get("/api/executions/run-20990101-000000-0000");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("ExecutionNotFound");
    expect((await g.get("/api/executions/NOT_AN_ID")).status).toBe(400);
  });
});

describe("GET /api/scenarios and unknown routes", () => {
  it("lists the catalogue without step details", async () => {
    const g = await gateway();
    const response = await g.get("/api/scenarios");
    const body = (await response.json()) as { items: { id: string; roles: string[] }[]; problems: string[] };
    expect(body.items.length).toBeGreaterThanOrEqual(10);
    expect(body.items.find((s) => s.id === "nsg-rule-tuning")?.roles).toEqual(["Network Contributor"]);
    expect(body.problems).toEqual([]);
    expect(JSON.stringify(body)).not.toContain("apiVersion");
  });

  it("answers an unknown route with the error envelope", async () => {
    const response = await (await gateway()).get("/api/nothing");
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("NotFound");
  });
});

describe("who may call the gateway", () => {
  it("answers every route but health with 401 without a valid key", async () => {
    const g = await gateway();
    expect((await g.app.request("/api/health")).status).toBe(200);
    for (const path of ["/api/scenarios", "/api/executions/run-20261124-060000-ab12"]) {
      const response = await g.app.request(path);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("Unauthenticated");
    }
    expect(
      (await g.get("/api/scenarios", "hm_000000000000_not-a-real-key-not-a-real-key-not-a-real-key1")).status,
    ).toBe(401);
    expect((await g.post({}, { "content-type": "application/json" })).status).toBe(401);
    expect(g.published).toEqual([]);
  });

  it("lets a reader read but not execute (403), and refuses a revoked key", async () => {
    const g = await gateway();
    expect((await g.get("/api/scenarios")).status).toBe(200);
    const response = await g.post({}, { "content-type": "application/json", ...g.auth(g.reader) });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("Forbidden");
    const [readerRecord] = (await g.keys.list()).filter((k) => k.role === "reader");
    await g.keys.revoke(readerRecord!.id);
    expect((await g.get("/api/scenarios")).status).toBe(401);
    expect(g.published).toEqual([]);
  });

  it("answers the 11th execute in a minute with 429 and Retry-After, counting each caller apart", async () => {
    const g = await gateway();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await g.post({})).status);
    expect(statuses).toEqual([...Array(10).fill(202), 429]);
    const limited = await g.post({});
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(limited.headers.get("x-ratelimit-limit")).toBe("10");
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    // Another operator has a window of its own.
    const other = (await g.keys.create("operator", "other-operator")).key;
    expect((await g.post({}, { "content-type": "application/json", ...g.auth(other) })).status).toBe(202);
    expect(g.published).toHaveLength(11);
  });
});
