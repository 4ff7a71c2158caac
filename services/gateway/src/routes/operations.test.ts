// /api/status, /api/cleanup, /api/scenarios/{id}, /api/agents/{id} and /api/health, on a populated gateway.
import { runStory } from "@haymaker/projections/testing";
import { describe, expect, it } from "vitest";
import { errorOf, testGateway } from "../testing/test-gateway.ts";

const DONE = "run-20261124-060000-d0e0";
const RUNNING = "run-20261124-070000-4a4a";
const done = runStory({
  runId: DONE,
  requestedAt: new Date(Date.now() - 3_600_000).toISOString(),
  agents: [
    { scenarioId: "nsg-rule-tuning" },
    { scenarioId: "vm-start-stop", outcome: "failed", leaveStorage: true },
  ],
});
const running = runStory({
  runId: RUNNING,
  requestedAt: new Date(Date.now() - 60_000).toISOString(),
  agents: [{ scenarioId: "nsg-rule-tuning" }, { scenarioId: "vm-start-stop" }],
  ending: "none",
}).filter((event) => !/\.(finished|cleanup-required|cleaned)$/.test(event.id));

async function populated(options: Parameters<typeof testGateway>[0] = {}) {
  const g = await testGateway(options);
  for (const event of [...done, ...running]) await g.projections.apply(event);
  return g;
}

describe("GET /api/status", () => {
  it("shows the runs in flight, their agents' stages, the last day's outcomes and the next scheduled run", async () => {
    const g = await populated({ schedule: "0 0,6,12,18 * * *" });
    const status = (await (await g.request("GET", "/api/status")).json()) as {
      activeExecutions: { runId: string }[];
      agentStages: Record<string, number>;
      recentOutcomes: Record<string, unknown>;
      schedule: { cron: string; nextRunAt: string };
    };
    expect(status.activeExecutions.map((run) => run.runId)).toEqual([RUNNING]);
    expect(status.agentStages).toMatchObject({ running: 2, cleaned: 0 });
    expect(status.recentOutcomes).toMatchObject({ completed: 1, failed: 0 });
    expect(status.schedule.cron).toBe("0 0,6,12,18 * * *");
    expect(new Date(status.schedule.nextRunAt).getUTCHours() % 6).toBe(0);
    expect(Date.parse(status.schedule.nextRunAt)).toBeGreaterThan(Date.now());
  });

  it("says there is no next run when the schedule is off", async () => {
    const g = await testGateway();
    const status = (await (await g.request("GET", "/api/status")).json()) as { schedule: unknown };
    expect(status.schedule).toEqual({ cron: null, nextRunAt: null });
  });
});

describe("POST /api/cleanup", () => {
  it("answers a dry run with what is left per agent, and sends nothing", async () => {
    const g = await populated();
    const response = await g.request("POST", "/api/cleanup", {
      role: "operator",
      body: { executionId: DONE, dryRun: true },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      targets: { agentId: string; resources: { type: string }[] }[];
      counts: Record<string, number>;
    };
    expect(body.targets.map((t) => t.agentId)).toEqual(["a02"]);
    expect(body.targets[0]?.resources.map((r) => r.type)).toEqual(["Microsoft.Storage/storageAccounts"]);
    expect(body.counts).toEqual({ agents: 1, resources: 1, identities: 0 });
    expect(g.published).toEqual([]);
  });

  it("requests the cleanup for real: cleanup.requested by the caller, for the run or the scenario", async () => {
    const g = await populated();
    const byRun = await g.request("POST", "/api/cleanup", {
      role: "operator",
      body: { executionId: RUNNING },
    });
    expect(byRun.status).toBe(202);
    const running = (await byRun.json()) as { counts: { agents: number; identities: number } };
    expect(running.counts).toMatchObject({ agents: 2, identities: 2 });
    const byScenario = await g.request("POST", "/api/cleanup", {
      role: "operator",
      body: { scenario: "vm-start-stop" },
    });
    expect(byScenario.status).toBe(202);
    expect(g.published.map((e) => [e.type, e.data])).toEqual([
      [
        "com.haymaker.cleanup.requested.v1",
        expect.objectContaining({ runId: RUNNING, dryRun: false, requestedBy: "api-key:test-operator" }),
      ],
      [
        "com.haymaker.cleanup.requested.v1",
        expect.objectContaining({
          scenarioId: "vm-start-stop",
          dryRun: false,
          requestedBy: "api-key:test-operator",
        }),
      ],
    ]);
  });

  it("refuses a request naming nothing, an unknown run, and a reader", async () => {
    const g = await populated();
    const nothing = await errorOf(
      await g.request("POST", "/api/cleanup", { role: "operator", body: { dryRun: true } }),
      400,
    );
    expect(nothing.details[0]?.reason).toMatch(/executionId.*scenario/);
    const unknown = await g.request("POST", "/api/cleanup", {
      role: "operator",
      body: { executionId: "run-20990101-000000-0000" },
    });
    expect((await errorOf(unknown, 404)).code).toBe("ExecutionNotFound");
    expect((await g.request("POST", "/api/cleanup", { body: { executionId: DONE } })).status).toBe(403);
    expect(g.published).toEqual([]);
  });
});

describe("GET /api/scenarios/{id} and /api/agents/{id}", () => {
  it("gives a whole scenario, 404 for an unknown one and 400 for a malformed id", async () => {
    const g = await testGateway();
    const scenario = (await (await g.request("GET", "/api/scenarios/nsg-rule-tuning")).json()) as {
      id: string;
      steps: { deploy: unknown[] };
    };
    expect(scenario.id).toBe("nsg-rule-tuning");
    expect(scenario.steps.deploy.length).toBeGreaterThan(0);
    expect((await errorOf(await g.request("GET", "/api/scenarios/no-such-scenario"), 404)).code).toBe(
      "ScenarioNotFound",
    );
    expect((await errorOf(await g.request("GET", "/api/scenarios/Not_An_Id"), 400)).code).toBe(
      "InvalidScenarioId",
    );
  });

  it("finds an agent by <execution>.<agent>, and names a malformed key", async () => {
    const g = await populated();
    const agent = (await (await g.request("GET", `/api/agents/${DONE}.a02`)).json()) as { outcome: string };
    expect(agent.outcome).toBe("failed");
    expect((await errorOf(await g.request("GET", `/api/agents/${DONE}.a09`), 404)).code).toBe(
      "AgentNotFound",
    );
    for (const bad of [DONE, `${DONE}.a01.x`, `${DONE}.A01`]) {
      expect((await errorOf(await g.request("GET", `/api/agents/${bad}`), 400)).code).toBe("InvalidAgentId");
    }
  });
});

describe("GET /api/health", () => {
  it("checks each dependency and answers 503 naming the one that failed, without saying why", async () => {
    const g = await testGateway({
      checks: [{ name: "bus", check: () => Promise.reject(new Error("amqp://user:hunter2@bus refused")) }],
    });
    const response = await g.request("GET", "/api/health", { role: "none" });
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(text).not.toContain("hunter2");
    const body = JSON.parse(text) as { status: string; checks: { name: string; ok: boolean }[] };
    expect(body.status).toBe("unavailable");
    expect(body.checks.map((c) => [c.name, c.ok])).toEqual([
      ["projections", true],
      ["catalogue", true],
      ["api-keys", true],
      ["bus", false],
    ]);
    expect(g.errors).toHaveLength(1);
  });
});
