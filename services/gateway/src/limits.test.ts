// The gateway's limits, as each route's spec declares them and route-limits.ts enforces them: body sizes,
// per-caller budgets on every write, health answered from a short cache, and a 202's Location that answers
// at once.
import { describe, expect, it, vi } from "vitest";
import { MAX_JSON_DEPTH } from "./errors.ts";
import {
  bodyLimitOf,
  DEFAULT_MAX_BODY_BYTES,
  EMPTY_POST_MAX_BYTES,
  rateLimitOf,
} from "./openapi/route-spec.ts";
import { HEALTH_FOR_MS } from "./routes/health.ts";
import { ROUTE_SPECS } from "./routes/route-table.ts";
import { errorOf, testGateway } from "./testing/test-gateway.ts";

/** A body that arrives in pieces with no Content-Length, as a chunked upload does. */
function chunkedBody(bytes: number, chunk = 4096): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const size = Math.min(chunk, bytes - sent);
      controller.enqueue(new TextEncoder().encode(" ".repeat(size)));
      sent += size;
    },
  });
}

describe("body limits", () => {
  it("refuses a body over the route's limit with 413 naming it, announced or chunked, before the route runs", async () => {
    const g = await testGateway();
    const big = JSON.stringify({ size: "small", tags: { note: "x".repeat(DEFAULT_MAX_BODY_BYTES) } });
    const announced = await g.request("POST", "/api/execute", { role: "operator", body: JSON.parse(big) });
    const error = await errorOf(announced, 413);
    expect(error.code).toBe("PayloadTooLarge");
    expect(error.message).toContain(`at most ${DEFAULT_MAX_BODY_BYTES} bytes`);
    expect(announced.headers.get("connection")).toBe("close");

    const chunked = await g.app.request("/api/execute", {
      method: "POST",
      headers: { authorization: `Bearer ${g.key.operator}`, "content-type": "application/json" },
      body: chunkedBody(DEFAULT_MAX_BODY_BYTES + 1),
      duplex: "half",
    } as RequestInit);
    expect(chunked.headers.get("content-length")).toBeNull();
    expect((await errorOf(chunked, 413)).code).toBe("PayloadTooLarge");
    expect(g.published).toEqual([]);

    // Just under the limit is read as usual.
    const fits = await g.app.request("/api/execute", {
      method: "POST",
      headers: { authorization: `Bearer ${g.key.operator}`, "content-type": "application/json" },
      body: chunkedBody(DEFAULT_MAX_BODY_BYTES),
      duplex: "half",
    } as RequestInit);
    expect(fits.status).toBe(202);
  });

  it("refuses any body on a route that takes none", async () => {
    const g = await testGateway();
    const response = await g.request("DELETE", "/api/keys/no-such-key", { role: "admin", body: { a: 1 } });
    expect((await errorOf(response, 413)).message).toBe(
      "DELETE /api/keys/:id takes no request body; send none.",
    );
    expect((await g.request("DELETE", "/api/keys/no-such-key", { role: "admin" })).status).toBe(404);
    // A POST that takes no body still takes the empty object clients send with every POST, and no more.
    expect((await g.request("POST", "/api/replays/rpl-1/abort", { role: "operator", body: {} })).status).toBe(
      503,
    );
    const padded = await g.request("POST", "/api/replays/rpl-1/abort", {
      role: "operator",
      body: { a: "x".repeat(EMPTY_POST_MAX_BYTES) },
    });
    expect((await errorOf(padded, 413)).message).toContain(`at most ${EMPTY_POST_MAX_BYTES} bytes`);
  });

  it("refuses JSON nested deeper than any route needs with 400, before parsing it", async () => {
    const g = await testGateway();
    const deep = `${"[".repeat(MAX_JSON_DEPTH + 1)}${"]".repeat(MAX_JSON_DEPTH + 1)}`;
    const response = await g.app.request("/api/execute", {
      method: "POST",
      headers: { authorization: `Bearer ${g.key.operator}`, "content-type": "application/json" },
      body: `{"tags":${deep}}`,
    });
    const error = await errorOf(response, 400);
    expect(error).toMatchObject({ code: "InvalidJson" });
    expect(error.message).toContain(`more than ${MAX_JSON_DEPTH} levels`);
    // Brackets inside strings are text, not nesting.
    const quoted = await g.request("POST", "/api/execute", {
      role: "operator",
      body: { scenarios: ["[".repeat(100)] },
    });
    expect((await errorOf(quoted, 400)).code).toBe("InvalidRequest");
  });

  it("is registered on the very path each route answers, an ARM id sent with its slashes included", async () => {
    const g = await testGateway();
    const limited = new Set(g.app.routes.filter((r) => r.method === "ALL").map((r) => r.path));
    const unlimited = g.app.routes
      .filter((r) => r.method !== "ALL" && r.path !== "/docs" && !limited.has(r.path))
      .map((r) => `${r.method} ${r.path}`);
    expect(unlimited).toEqual([]);
  });

  it("is declared by every route's spec and published in the OpenAPI document", async () => {
    const g = await testGateway();
    const document = (await (await g.request("GET", "/api/openapi.json")).json()) as {
      paths: Record<string, Record<string, Record<string, unknown> & { responses: Record<string, unknown> }>>;
    };
    for (const spec of ROUTE_SPECS) {
      const operation = document.paths[spec.path]?.[spec.method];
      expect(operation?.["x-maxBodyBytes"], spec.operationId).toBe(bodyLimitOf(spec));
      expect(bodyLimitOf(spec) > EMPTY_POST_MAX_BYTES, spec.operationId).toBe(spec.body !== undefined);
      if (spec.method !== "get") expect(operation?.responses, spec.operationId).toHaveProperty("413");
    }
  });
});

describe("rate limits", () => {
  it("covers every route that writes, each with a budget in the OpenAPI document", async () => {
    const g = await testGateway();
    const document = (await (await g.request("GET", "/api/openapi.json")).json()) as {
      paths: Record<string, Record<string, Record<string, unknown> & { responses: Record<string, unknown> }>>;
    };
    const writes = ROUTE_SPECS.filter((spec) => spec.method !== "get");
    expect(writes.length).toBeGreaterThan(5);
    for (const spec of writes) {
      const operation = document.paths[spec.path]?.[spec.method];
      expect(operation?.["x-haymaker-rate-limit"], spec.operationId).toBe(rateLimitOf(spec));
      expect(operation?.responses, spec.operationId).toHaveProperty("429");
    }
    expect(rateLimitOf(ROUTE_SPECS.find((s) => s.operationId === "execute") ?? ROUTE_SPECS[0]!)).toBe(
      "execute",
    );
  });

  it("answers a caller's write beyond its budget with 429 and Retry-After, apart from its execute budget and other callers", async () => {
    const g = await testGateway({ writeLimitPerMinute: 3 });
    const cancel = (key = g.key.operator) =>
      g.call("POST", "/api/executions/run-20990101-000000-0000/cancel", key, {});
    for (let i = 0; i < 3; i++) expect((await cancel()).status).toBe(404);
    const limited = await cancel();
    const error = await errorOf(limited, 429);
    expect(error.code).toBe("RateLimited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("x-ratelimit-limit")).toBe("3");
    // Another write route shares the write budget.
    expect((await g.request("POST", "/api/replays/rpl-x/abort", { role: "operator" })).status).toBe(429);
    // Executes have their own budget; other callers their own.
    expect((await g.request("POST", "/api/execute", { role: "operator", body: {} })).status).toBe(202);
    expect((await cancel(g.key.admin)).status).toBe(404);
  });

  it("checks the role before counting, so a caller without it is told 403, not 429", async () => {
    const g = await testGateway({ writeLimitPerMinute: 1 });
    for (let i = 0; i < 3; i++) {
      const response = await g.request("POST", "/api/executions/run-20990101-000000-0000/cancel", {
        role: "reader",
        body: {},
      });
      expect(response.status).toBe(403);
    }
  });
});

describe("GET /api/health", () => {
  it("checks its dependencies at most once per window, however many callers ask", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      let probes = 0;
      const g = await testGateway({
        checks: [{ name: "probe", check: async () => void probes++ }],
      });
      const ask = () => g.request("GET", "/api/health", { role: "none" });
      const together = await Promise.all(Array.from({ length: 50 }, ask));
      for (let i = 0; i < 50; i++) together.push(await ask());
      expect(together.every((response) => response.status === 200)).toBe(true);
      expect(probes).toBe(1);
      const body = (await together[0]?.json()) as { checkedAt: string; checks: { name: string }[] };
      expect(body.checks.map((check) => check.name)).toContain("probe");
      vi.setSystemTime(Date.now() + HEALTH_FOR_MS - 1);
      await ask();
      expect(probes).toBe(1);
      vi.setSystemTime(Date.now() + 1);
      const fresh = (await (await ask()).json()) as { checkedAt: string };
      expect(probes).toBe(2);
      expect(fresh.checkedAt > body.checkedAt).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("POST /api/execute's Location", () => {
  it("answers at once with the requested run, with no projector running; the projector's copy changes nothing", async () => {
    const g = await testGateway();
    const response = await g.request("POST", "/api/execute", { role: "operator", body: { size: "small" } });
    expect(response.status).toBe(202);
    const location = response.headers.get("location") ?? "";
    const run = await g.request("GET", location);
    expect(run.status).toBe(200);
    expect(((await run.json()) as { execution: { status: string } }).execution.status).toBe("requested");
    // The projector applies the same event from the bus: it is recognised, not counted twice.
    const [published] = g.published;
    expect(await g.projections.apply(published!)).toEqual({ applied: false });
    const runId = location.split("/").at(-1) ?? "";
    expect((await g.projections.runEvents(runId)).items).toHaveLength(1);
    expect((await g.projections.listExecutions()).items).toHaveLength(1);
  });

  it("still answers 202 when the projections cannot take the event: the run is on the bus", async () => {
    const g = await testGateway();
    await g.projections.close();
    const response = await g.request("POST", "/api/execute", { role: "operator", body: {} });
    expect(response.status).toBe(202);
    expect(g.published).toHaveLength(1);
    expect(g.errors).toHaveLength(1);
  });
});
