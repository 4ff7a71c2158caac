// The read routes: executions, agents, agent logs, resources, identities and metrics, over a real in-memory
// projection store fed with the contracts' example events.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { newEvent } from "@haymaker/cloudevents";
import { type EventName, EXAMPLE_DATA, type HayMakerEvent, loadScenarioCatalogue } from "@haymaker/contracts";
import { resourceRecordId, SqliteProjectionStore } from "@haymaker/projections";
import { FileReportStore } from "@haymaker/stores";
import { describe, expect, it } from "vitest";
import { createGateway } from "./app.ts";
import { SqliteApiKeyStore } from "./auth/sqlite-api-key-store.ts";

const SCENARIOS = fileURLToPath(new URL("../../../scenarios", import.meta.url));
const RUN = EXAMPLE_DATA["run.requested"].runId;
const AGENT = EXAMPLE_DATA["agent.selected"].agentId;
const SCENARIO = EXAMPLE_DATA["agent.selected"].scenarioId;
const ARM_ID = EXAMPLE_DATA["agent.resource.created"].resourceId;
const SECRET_REF = EXAMPLE_DATA["identity.provisioned"].secretRef;
const UNKNOWN_RUN = "run-20990101-000000-0000";

type ErrorBody = { error: { code: string; message: string; details: { path: string; reason: string }[] } };

async function gateway() {
  const projections = SqliteProjectionStore.inMemory();
  const keys = new SqliteApiKeyStore(":memory:");
  const reader = (await keys.create("reader", "test-reader")).key;
  const errors: unknown[] = [];
  const app = createGateway(
    {
      publish: async (_event: HayMakerEvent) => {},
      catalogue: () => loadScenarioCatalogue(SCENARIOS),
      projections,
      reports: new FileReportStore(mkdtempSync(join(tmpdir(), "gateway-reads-"))),
      keys,
      executeLimitPerMinute: 10,
    },
    (error) => errors.push(error),
  );
  const get = (path: string) => app.request(path, { headers: { authorization: `Bearer ${reader}` } });
  const apply = <N extends EventName>(name: N, data: Record<string, unknown> = {}) =>
    projections.apply(
      // biome-ignore lint/suspicious/noExplicitAny: test data spread over the example payload
      newEvent(name, { source: "/haymaker/test", data: { ...EXAMPLE_DATA[name], ...data } as any }),
    );
  return { app, get, apply, projections, errors };
}

/** One run with one agent, its identity, one resource and three log lines. */
async function seeded() {
  const g = await gateway();
  await g.apply("run.requested");
  await g.apply("agent.selected");
  await g.apply("identity.provisioned");
  await g.apply("agent.resource.created");
  for (const [i, message] of ["one", "two", "three"].entries()) {
    await g.apply("agent.log", { message, at: `2026-11-24T06:04:1${i}.000Z` });
  }
  return g;
}

async function errorOf(response: Response, status: number): Promise<ErrorBody["error"]> {
  expect(response.status).toBe(status);
  return ((await response.json()) as ErrorBody).error;
}

describe("GET /api/executions", () => {
  it("lists runs newest first and pages by continuation", async () => {
    const g = await seeded();
    const newer = "run-20261125-0600-aaaa";
    await g.apply("run.requested", { runId: newer, requestedAt: "2026-11-25T06:00:00Z" });
    const all = (await (await g.get("/api/executions")).json()) as { items: { runId: string }[] };
    expect(all.items.map((r) => r.runId)).toEqual([newer, RUN]);

    const first = (await (await g.get("/api/executions?limit=1")).json()) as {
      items: { runId: string }[];
      continuation?: string;
    };
    expect(first.items.map((r) => r.runId)).toEqual([newer]);
    expect(first.continuation).toBeTypeOf("string");
    const second = (await (
      await g.get(`/api/executions?limit=1&continuation=${encodeURIComponent(first.continuation!)}`)
    ).json()) as { items: { runId: string }[]; continuation?: string };
    expect(second.items.map((r) => r.runId)).toEqual([RUN]);

    const filtered = (await (
      await g.get(`/api/executions?scenario=${SCENARIO}&until=2026-11-25T00:00:00Z`)
    ).json()) as { items: { runId: string }[] };
    expect(filtered.items.map((r) => r.runId)).toEqual([RUN]);
  });

  it("answers a bad query with 400 InvalidQuery naming the field, never 500", async () => {
    const g = await seeded();
    const limit = await errorOf(await g.get("/api/executions?limit=0"), 400);
    expect(limit.code).toBe("InvalidQuery");
    expect(limit.details.map((d) => d.path)).toEqual(["limit"]);
    expect((await errorOf(await g.get("/api/executions?status=sleeping"), 400)).details[0]?.path).toBe(
      "status",
    );
    expect((await errorOf(await g.get("/api/executions?limit=ten"), 400)).details[0]?.path).toBe("limit");
    expect((await errorOf(await g.get("/api/executions?colour=red"), 400)).details[0]?.path).toBe("colour");
    // A token the store rejects: its ProjectionQueryError becomes a 400 too.
    const token = await errorOf(await g.get("/api/executions?continuation=not-a-token"), 400);
    expect(token).toMatchObject({ code: "InvalidQuery", details: [{ path: "continuation" }] });
    expect(g.errors).toEqual([]);
  });
});

describe("GET /api/agents", () => {
  it("lists agents, filtered by executionId, status (stage) and scenario", async () => {
    const g = await seeded();
    await g.apply("agent.selected", { runId: "run-20261125-0600-aaaa", agentId: "a02" });
    const all = (await (await g.get("/api/agents")).json()) as { items: { agentId: string }[] };
    expect(all.items).toHaveLength(2);
    const one = (await (await g.get(`/api/agents?executionId=${RUN}`)).json()) as {
      items: { runId: string; agentId: string; stage: string }[];
    };
    expect(one.items).toEqual([expect.objectContaining({ runId: RUN, agentId: AGENT })]);
    const stage = one.items[0]!.stage;
    expect(
      ((await (await g.get(`/api/agents?status=${stage}&scenario=${SCENARIO}`)).json()) as { items: [] })
        .items.length,
    ).toBeGreaterThanOrEqual(1);
    expect(
      ((await (await g.get("/api/agents?status=cleaned")).json()) as { items: unknown[] }).items,
    ).toEqual([]);
  });

  it("answers a bad query with 400", async () => {
    const g = await seeded();
    expect((await errorOf(await g.get("/api/agents?executionId=NOT_A_RUN"), 400)).details[0]?.path).toBe(
      "executionId",
    );
    expect((await errorOf(await g.get("/api/agents?status=asleep"), 400)).details[0]?.path).toBe("status");
    expect((await errorOf(await g.get("/api/agents?limit=501"), 400)).details[0]?.path).toBe("limit");
  });
});

describe("GET /api/executions/{id}/agents/{agentId}", () => {
  it("shows one agent, 404 AgentNotFound for an unknown one, 400 for a malformed id", async () => {
    const g = await seeded();
    const found = await g.get(`/api/executions/${RUN}/agents/${AGENT}`);
    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({ runId: RUN, agentId: AGENT, scenarioId: SCENARIO });
    expect((await errorOf(await g.get(`/api/executions/${RUN}/agents/a99`), 404)).code).toBe("AgentNotFound");
    expect((await errorOf(await g.get(`/api/executions/${UNKNOWN_RUN}/agents/${AGENT}`), 404)).code).toBe(
      "AgentNotFound",
    );
    expect((await errorOf(await g.get(`/api/executions/${RUN}/agents/A_01`), 400)).code).toBe(
      "InvalidAgentId",
    );
    expect((await errorOf(await g.get(`/api/executions/BAD/agents/${AGENT}`), 400)).code).toBe(
      "InvalidExecutionId",
    );
  });
});

describe("GET /api/executions/{id}/agents/{agentId}/logs", () => {
  const path = `/api/executions/${RUN}/agents/${AGENT}/logs`;

  it("returns lines oldest first with lastSequence; tail, afterSequence and since narrow them", async () => {
    const g = await seeded();
    const all = (await (await g.get(path)).json()) as {
      items: { message: string; sequence: number }[];
      lastSequence: number;
    };
    expect(all.items.map((l) => l.message)).toEqual(["one", "two", "three"]);
    expect(all.lastSequence).toBe(3);
    const tail = (await (await g.get(`${path}?tail=2`)).json()) as { items: { message: string }[] };
    expect(tail.items.map((l) => l.message)).toEqual(["two", "three"]);
    const after = (await (await g.get(`${path}?afterSequence=1`)).json()) as { items: { message: string }[] };
    expect(after.items.map((l) => l.message)).toEqual(["two", "three"]);
    const since = (await (await g.get(`${path}?since=2026-11-24T06:04:12.000Z`)).json()) as {
      items: { message: string }[];
    };
    expect(since.items.map((l) => l.message)).toEqual(["three"]);
  });

  it("answers a bad query with 400 and an unknown agent with 404", async () => {
    const g = await seeded();
    expect((await errorOf(await g.get(`${path}?tail=1001`), 400)).details[0]?.path).toBe("tail");
    expect((await errorOf(await g.get(`${path}?afterSequence=-1`), 400)).details[0]?.path).toBe(
      "afterSequence",
    );
    expect((await errorOf(await g.get(`${path}?since=yesterday`), 400)).details[0]?.path).toBe("since");
    expect((await errorOf(await g.get(`${path}?follow=maybe`), 400)).details[0]?.path).toBe("follow");
    expect((await errorOf(await g.get(`${path}?follow=true&limit=5`), 400)).details[0]?.reason).toMatch(
      /follow takes tail or afterSequence only/,
    );
    expect((await errorOf(await g.get(`/api/executions/${RUN}/agents/a99/logs`), 404)).code).toBe(
      "AgentNotFound",
    );
  });
});

describe("GET /api/resources and /api/resources/{id}", () => {
  it("lists resources with filters and finds one by record id or ARM id", async () => {
    const g = await seeded();
    const list = (await (await g.get(`/api/resources?executionId=${RUN}&status=created`)).json()) as {
      items: { id: string; resourceId: string }[];
    };
    expect(list.items.map((r) => r.resourceId)).toEqual([ARM_ID]);
    const byType = (await (
      await g.get("/api/resources?type=microsoft.storage%2Fstorageaccounts")
    ).json()) as { items: unknown[] };
    expect(byType.items).toHaveLength(1);
    expect(
      ((await (await g.get("/api/resources?status=left")).json()) as { items: unknown[] }).items,
    ).toEqual([]);

    const recordId = resourceRecordId(ARM_ID);
    expect(list.items[0]?.id).toBe(recordId);
    const byRecord = await g.get(`/api/resources/${recordId}`);
    expect(byRecord.status).toBe(200);
    expect(await byRecord.json()).toMatchObject({ id: recordId, resourceId: ARM_ID, runId: RUN });
    const byArmEncoded = await g.get(`/api/resources/${encodeURIComponent(ARM_ID)}`);
    expect(byArmEncoded.status).toBe(200);
    expect(((await byArmEncoded.json()) as { id: string }).id).toBe(recordId);
    const byArmRaw = await g.get(`/api/resources${ARM_ID}`);
    expect(byArmRaw.status).toBe(200);
  });

  it("answers bad input with 400 and an unknown resource with 404", async () => {
    const g = await seeded();
    expect((await errorOf(await g.get("/api/resources?status=gone"), 400)).details[0]?.path).toBe("status");
    expect((await errorOf(await g.get("/api/resources?executionId=X"), 400)).details[0]?.path).toBe(
      "executionId",
    );
    expect((await errorOf(await g.get("/api/resources/not-a-resource"), 400)).code).toBe("InvalidResourceId");
    expect((await errorOf(await g.get(`/api/resources/res-${"0".repeat(32)}`), 404)).code).toBe(
      "ResourceNotFound",
    );
  });
});

describe("GET /api/identities", () => {
  it("lists identities without their secret reference", async () => {
    const g = await seeded();
    const response = await g.get(`/api/identities?executionId=${RUN}`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const body = JSON.parse(text) as { items: Record<string, unknown>[] };
    expect(body.items).toEqual([expect.objectContaining({ runId: RUN, agentId: AGENT })]);
    expect(body.items[0]).not.toHaveProperty("secretRef");
    expect(text).not.toContain("secretRef");
    expect(text).not.toContain(SECRET_REF);
    expect(
      ((await (await g.get(`/api/identities?executionId=${UNKNOWN_RUN}`)).json()) as { items: [] }).items,
    ).toEqual([]);
  });

  it("answers a bad query with 400", async () => {
    const g = await seeded();
    expect((await errorOf(await g.get("/api/identities?executionId=Nope"), 400)).details[0]?.path).toBe(
      "executionId",
    );
    expect((await errorOf(await g.get("/api/identities?limit=-3"), 400)).details[0]?.path).toBe("limit");
  });
});

describe("GET /api/metrics", () => {
  it("counts the runs requested in the period (7d by default), optionally for one scenario", async () => {
    const g = await gateway();
    const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 60 * 60 * 1000).toISOString();
    await g.apply("run.requested", { runId: "run-recent-0001", requestedAt: daysAgo(1) });
    await g.apply("run.requested", { runId: "run-older-0002", requestedAt: daysAgo(20) });
    const week = (await (await g.get("/api/metrics")).json()) as {
      period: string;
      since: string;
      until: string;
      runs: { total: number };
    };
    expect(week.period).toBe("7d");
    expect(week.runs.total).toBe(1);
    expect(Date.parse(week.until) - Date.parse(week.since)).toBe(7 * 24 * 60 * 60 * 1000);
    const month = (await (await g.get("/api/metrics?period=30d")).json()) as { runs: { total: number } };
    expect(month.runs.total).toBe(2);
    const scenario = (await (await g.get(`/api/metrics?period=90d&scenario=${SCENARIO}`)).json()) as {
      scenario?: string;
    };
    expect(scenario.scenario).toBe(SCENARIO);
  });

  it("answers a bad period with 400", async () => {
    const g = await gateway();
    const error = await errorOf(await g.get("/api/metrics?period=1y"), 400);
    expect(error).toMatchObject({ code: "InvalidQuery", details: [{ path: "period" }] });
    expect((await errorOf(await g.get("/api/metrics?scenario=Bad Id"), 400)).details[0]?.path).toBe(
      "scenario",
    );
  });
});

describe("the read routes need a key", () => {
  it("answers each of them with 401 without one", async () => {
    const g = await seeded();
    const paths = [
      "/api/executions",
      "/api/agents",
      `/api/executions/${RUN}/agents/${AGENT}`,
      `/api/executions/${RUN}/agents/${AGENT}/logs`,
      "/api/resources",
      `/api/resources/${resourceRecordId(ARM_ID)}`,
      "/api/identities",
      "/api/metrics",
    ];
    for (const path of paths) {
      const response = await g.app.request(path);
      expect(response.status, path).toBe(401);
      expect(((await response.json()) as ErrorBody).error.code).toBe("Unauthenticated");
      const wrong = await g.app.request(path, {
        headers: { authorization: "Bearer hm_000000000000_not-a-real-key-not-a-real-key-not-a-real-key1" },
      });
      expect(wrong.status, path).toBe(401);
    }
  });
});
