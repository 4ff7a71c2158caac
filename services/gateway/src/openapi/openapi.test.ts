// The OpenAPI document against the gateway itself: every registered route is described, every answer a
// populated gateway gives matches the schema its description names, and the security each route declares
// is the security it enforces.
import { EXAMPLE_DATA } from "@haymaker/contracts";
import { runStory, testEvent } from "@haymaker/projections/testing";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { ROUTE_SPECS } from "../routes/route-table.ts";
import { testGateway } from "../testing/test-gateway.ts";
import type { RouteSpec } from "./route-spec.ts";

const RUN = "run-20261124-060000-0a0a";
const story = runStory({
  runId: RUN,
  requestedAt: "2026-11-24T06:00:00Z",
  agents: [
    { scenarioId: "nsg-rule-tuning" },
    { scenarioId: "vm-start-stop", outcome: "failed", leaveStorage: true },
  ],
});
/** An operator's cleanup of RUN, completed with every field filled. */
const CLEANUP = "cleanup-20261124-090000-0c0c";
const cleanup = testEvent(
  "cleanup.completed",
  {
    ...EXAMPLE_DATA["cleanup.completed"],
    cleanupId: CLEANUP,
    runId: RUN,
    agents: EXAMPLE_DATA["cleanup.completed"].agents.map((agent) => ({
      ...agent,
      runId: RUN,
      scenarioId: "vm-start-stop",
      agentId: "a02",
    })),
  },
  { id: "openapi-cleanup", time: "2026-11-24T09:00:00Z" },
);
const created = story.find((e) => e.type.endsWith("agent.resource.created.v1"));
const ARM_ID = (created?.data as { resourceId?: string } | undefined)?.resourceId ?? "";

/** A request each route answers with success, on the populated gateway. */
const EXAMPLES: Record<string, { path: string; body?: unknown; status: number }> = {
  execute: { path: "/api/execute", body: { scenarios: ["nsg-rule-tuning"], duration: "PT20S" }, status: 202 },
  listExecutions: { path: "/api/executions?limit=5", status: 200 },
  getExecution: { path: `/api/executions/${RUN}`, status: 200 },
  cancelExecution: { path: "/api/executions/run-20261124-070000-0b0b/cancel", body: {}, status: 202 },
  getExecutionReport: { path: `/api/executions/${RUN}/report`, status: 404 },
  listAgents: { path: `/api/agents?executionId=${RUN}`, status: 200 },
  getAgent: { path: `/api/agents/${RUN}.a01`, status: 200 },
  getExecutionAgent: { path: `/api/executions/${RUN}/agents/a02`, status: 200 },
  getAgentLogs: { path: `/api/agents/${RUN}.a01/logs?tail=5`, status: 200 },
  getExecutionAgentLogs: { path: `/api/executions/${RUN}/agents/a01/logs`, status: 200 },
  listResources: { path: "/api/resources?status=left", status: 200 },
  getResource: { path: `/api/resources/${encodeURIComponent(ARM_ID)}`, status: 200 },
  listIdentities: { path: "/api/identities", status: 200 },
  getMetrics: { path: "/api/metrics?period=30d", status: 200 },
  listScenarios: { path: "/api/scenarios", status: 200 },
  getScenario: { path: "/api/scenarios/nsg-rule-tuning", status: 200 },
  cleanup: { path: "/api/cleanup", body: { executionId: RUN, dryRun: true }, status: 200 },
  getCleanup: { path: `/api/cleanups/${CLEANUP}`, status: 200 },
  getStatus: { path: "/api/status", status: 200 },
  getHealth: { path: "/api/health", status: 200 },
  createKey: { path: "/api/keys", body: { role: "reader", name: "docs" }, status: 201 },
  listKeys: { path: "/api/keys", status: 200 },
  getOpenApiDocument: { path: "/api/openapi.json", status: 200 },
};
/** Streams, deletions and dead letters, tested on their own. */
const NOT_HERE = new Set([
  "streamExecutionEvents",
  "revokeKey",
  // Over a real broker's dead-letter queues: routes/dead-letters.test.ts.
  "listDeadLetters",
  "listDeadLetterGroups",
  "getDeadLetter",
  "replayDeadLetters",
  "purgeDeadLetters",
  "editAndRetryDeadLetter",
  "listReplays",
  "getReplay",
  "abortReplay",
]);

async function populated() {
  const g = await testGateway();
  for (const event of [...story, cleanup]) await g.projections.apply(event);
  const running = runStory({
    runId: "run-20261124-070000-0b0b",
    requestedAt: "2026-11-24T07:00:00Z",
    agents: [{ scenarioId: "nsg-rule-tuning" }],
    ending: "none",
  });
  for (const event of running.slice(0, 5)) await g.projections.apply(event);
  return g;
}

describe("the OpenAPI document", () => {
  it("describes every route the gateway registers, and nothing it does not", async () => {
    const g = await testGateway();
    const registered = new Set(
      g.app.routes
        .filter((route) => route.method !== "ALL")
        .map((route) => `${route.method} ${route.path.replace(/\{\.\+\}$/, "")}`),
    );
    const described = new Set(
      ROUTE_SPECS.map((spec) => `${spec.method.toUpperCase()} ${spec.path.replace(/\{(\w+)\}/g, ":$1")}`),
    );
    expect([...described].sort()).toEqual([...registered].filter((r) => !r.endsWith(" /docs")).sort());
    const document = (await (await g.request("GET", "/api/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
    };
    expect(document.openapi).toBe("3.1.0");
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
    expect(operations.map((op) => op.operationId).sort()).toEqual(
      ROUTE_SPECS.map((s) => s.operationId).sort(),
    );
    for (const op of operations) expect(Object.keys(op.responses)).toContain("500");
  });

  it("is the schema every route's answer matches", async () => {
    const g = await populated();
    const document = (await (await g.request("GET", "/api/openapi.json")).json()) as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, { schema?: object }> }> }>
      >;
      components: { schemas: Record<string, object> };
    };
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ $id: "openapi", components: document.components });
    for (const spec of ROUTE_SPECS) {
      if (NOT_HERE.has(spec.operationId)) continue;
      const example = EXAMPLES[spec.operationId];
      if (example === undefined) throw new Error(`no example request for ${spec.operationId}`);
      const response = await g.request(spec.method.toUpperCase(), example.path, {
        role: "admin",
        ...(example.body === undefined ? {} : { body: example.body }),
      });
      expect(response.status, `${spec.operationId}: ${example.path}`).toBe(example.status);
      const schema =
        document.paths[spec.path]?.[spec.method]?.responses[String(example.status)]?.content?.[
          "application/json"
        ]?.schema;
      expect(schema, `${spec.operationId} documents ${example.status}`).toBeDefined();
      const validate = ajv.compile(
        JSON.parse(JSON.stringify(schema).replaceAll('"#/components', '"openapi#/components')),
      );
      const body = await response.json();
      expect(validate(body) ? [] : validate.errors, `${spec.operationId} answer matches its schema`).toEqual(
        [],
      );
    }
  });

  it("renders as a page for people at /docs, without a credential", async () => {
    const g = await testGateway();
    const page = await g.request("GET", "/docs", { role: "none" });
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const spec of ROUTE_SPECS) expect(html).toContain(`id="${spec.operationId}"`);
    expect(html).not.toMatch(/<script/i);
  });
});

describe("the security each route declares", () => {
  const ranks = { public: -1, reader: 0, operator: 1, admin: 2 } as const;
  const pathOf = (spec: RouteSpec) =>
    EXAMPLES[spec.operationId]?.path ?? spec.path.replace(/\{(\w+)\}/g, "x");

  it("is what it enforces: no credential is 401, a lower role is 403, on every route but health", async () => {
    const g = await populated();
    for (const spec of ROUTE_SPECS) {
      const method = spec.method.toUpperCase();
      const body = EXAMPLES[spec.operationId]?.body;
      const call = (role: "none" | "reader" | "operator") =>
        g.request(method, pathOf(spec), { role, ...(body === undefined ? {} : { body }) });
      const anonymous = await call("none");
      if (spec.role === "public") {
        expect(anonymous.status, spec.operationId).toBe(200);
        continue;
      }
      expect(anonymous.status, `${spec.operationId} without a credential`).toBe(401);
      expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
      if (ranks[spec.role] > ranks.reader) expect((await call("reader")).status, spec.operationId).toBe(403);
      if (ranks[spec.role] > ranks.operator)
        expect((await call("operator")).status, spec.operationId).toBe(403);
    }
    expect(g.published).toEqual([]);
  });

  it("limits executes per caller: the 11th in a minute is 429, while another caller still gets through", async () => {
    const g = await testGateway();
    const other = (await g.keys.create("operator", "other-operator")).key;
    const execute = (headers: Record<string, string> = {}) =>
      g.request("POST", "/api/execute", { role: "operator", body: { size: "small" }, headers });
    for (let i = 0; i < 10; i++) expect((await execute()).status).toBe(202);
    const limited = await execute();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    expect((await execute({ authorization: `Bearer ${other}` })).status).toBe(202);
    expect(g.published).toHaveLength(11);
  });
});
