// Contract: an agent's log (tail, since, following by sequence, paging) and metrics over a period.
import { EXAMPLE_DATA } from "@haymaker/contracts";
import { describe, expect, it } from "vitest";
import { ProjectionQueryError } from "../errors.ts";
import { runStory, testEvent } from "./events.ts";
import { allPages, applyAll, type MakeProjectionStore } from "./helpers.ts";

const RUN = "run-logs";
const key = { runId: RUN, agentId: "a01", scenarioId: "storage-blob-lifecycle" };

/** Five lines; the third arrives late, after a line the agent wrote after it. */
const LINES = [
  { id: "line-1", at: "2026-11-24T06:05:00Z", message: "first" },
  { id: "line-2", at: "2026-11-24T06:07:00Z", message: "third written" },
  { id: "line-3", at: "2026-11-24T06:06:00Z", message: "second written, arrived late" },
  { id: "line-4", at: "2026-11-24T06:08:00Z", message: "fourth" },
  { id: "line-5", at: "2026-11-24T06:09:00.250+01:00", message: "fifth, with an offset" },
].map(({ id, at, message }) =>
  testEvent(
    "agent.log",
    { ...key, level: "info", message, at, fields: { line: id, retried: false } },
    { id, time: at },
  ),
);

const messages = (page: { items: Array<{ message: string }> }) => page.items.map((line) => line.message);

export function describeLogsAndMetricsContract(makeStore: MakeProjectionStore): void {
  describe("logs", () => {
    it("keeps an agent's lines in the order it wrote them, each once, numbered as they arrived", async () => {
      const store = await makeStore();
      await applyAll(store, [...LINES, LINES[0] as (typeof LINES)[number]]);
      const page = await store.agentLogs(RUN, "a01");
      // 06:09:00.250+01:00 is 05:09:00.250Z: the earliest line.
      expect(messages(page)).toEqual([
        "fifth, with an offset",
        "first",
        "second written, arrived late",
        "third written",
        "fourth",
      ]);
      expect(page.items.map((line) => line.sequence)).toEqual([5, 1, 3, 2, 4]);
      expect(page.lastSequence).toBe(5);
      expect(page.items[1]).toEqual({
        ...key,
        sequence: 1,
        level: "info",
        message: "first",
        at: "2026-11-24T06:05:00.000Z",
        fields: { line: "line-1", retried: false },
        eventId: "line-1",
      });
      expect(await store.agentLogs(RUN, "a02")).toEqual({ items: [], lastSequence: 0 });
    });

    it("gives the last lines, the lines since an instant, and the lines after a sequence number", async () => {
      const store = await makeStore();
      await applyAll(store, LINES);
      expect(messages(await store.agentLogs(RUN, "a01", { tail: 2 }))).toEqual(["third written", "fourth"]);
      expect(messages(await store.agentLogs(RUN, "a01", { since: "2026-11-24T06:06:00Z" }))).toEqual([
        "second written, arrived late",
        "third written",
        "fourth",
      ]);
      expect(messages(await store.agentLogs(RUN, "a01", { tail: 1, since: "2026-11-24T06:00:00Z" }))).toEqual(
        ["fourth"],
      );
      // Following the log: what arrived after the last answer, in the order it was written.
      const after = await store.agentLogs(RUN, "a01", { afterSequence: 2 });
      expect(messages(after)).toEqual(["fifth, with an offset", "second written, arrived late", "fourth"]);
      const next = await store.agentLogs(RUN, "a01", { afterSequence: after.lastSequence });
      expect(next).toEqual({ items: [], lastSequence: 5 });
    });

    it("follows a log in the order received, a page at a time, skipping no late line", async () => {
      const store = await makeStore();
      await applyAll(store, LINES.slice(0, 2));
      const first = await store.agentLogs(RUN, "a01", { afterSequence: 0, order: "received", limit: 1 });
      expect(first.items.map((line) => line.sequence)).toEqual([1]);
      // The third line arrives late, written before the second: received order still has it after.
      await applyAll(store, LINES.slice(2));
      const rest = await store.agentLogs(RUN, "a01", { afterSequence: 1, order: "received", limit: 2 });
      expect(messages(rest)).toEqual(["third written", "second written, arrived late"]);
      const last = await store.agentLogs(RUN, "a01", { afterSequence: 3, order: "received" });
      expect(last.items.map((line) => line.sequence)).toEqual([4, 5]);
      expect(messages(await store.agentLogs(RUN, "a01", { tail: 2, order: "received" }))).toEqual([
        "fourth",
        "fifth, with an offset",
      ]);
      const { items } = await allPages((continuation) =>
        store.agentLogs(RUN, "a01", { order: "received", limit: 2, continuation }),
      );
      expect(items.map((line) => line.sequence)).toEqual([1, 2, 3, 4, 5]);
      await expect(store.agentLogs(RUN, "a01", { order: "newest" as "written" })).rejects.toMatchObject({
        field: "order",
      });
    });

    it("pages through a long log", async () => {
      const store = await makeStore();
      await applyAll(store, LINES);
      const { items, pages } = await allPages((continuation) =>
        store.agentLogs(RUN, "a01", { limit: 2, continuation }),
      );
      expect(items.map((line) => line.sequence)).toEqual([5, 1, 3, 2, 4]);
      expect(pages).toBe(3);
      const tailWithLimit = store.agentLogs(RUN, "a01", { tail: 2, limit: 2 });
      await expect(tailWithLimit).rejects.toThrow(ProjectionQueryError);
      const otherAgent = (await store.agentLogs(RUN, "a01", { limit: 1 })).continuation;
      await expect(store.agentLogs(RUN, "a02", { continuation: otherAgent })).rejects.toThrow(/continuation/);
    });
  });

  describe("metrics", () => {
    const alpha = "alpha-scenario";
    const beta = "beta-scenario";
    const events = () => [
      ...runStory({
        runId: "run-m1",
        requestedAt: "2026-11-01T00:00:00Z",
        agents: [{ scenarioId: alpha }, { scenarioId: beta, outcome: "failed", leaveStorage: true }],
      }),
      ...runStory({
        runId: "run-m2",
        requestedAt: "2026-11-02T00:00:00Z",
        agents: [{ scenarioId: alpha }],
        ending: "failed",
      }),
      ...runStory({ runId: "run-m3", requestedAt: "2026-11-03T00:00:00Z", agents: [{ scenarioId: beta }] }),
      ...runStory({ runId: "run-m4", requestedAt: "2026-12-01T00:00:00Z", agents: [{ scenarioId: alpha }] }),
      testEvent(
        "run.rejected",
        { ...EXAMPLE_DATA["run.rejected"], runId: "run-m5", requestedAt: "2026-11-04T00:00:00Z" },
        { id: "run-m5.rejected", time: "2026-11-04T00:00:05Z" },
      ),
    ];
    const NOVEMBER = { since: "2026-11-01T00:00:00Z", until: "2026-12-01T00:00:00Z" };
    const AGENT_MS = 36 * 60_000;

    it("sums runs, agents and resources of the runs requested in the period, per scenario too", async () => {
      const store = await makeStore();
      await applyAll(store, events());
      expect(await store.metrics(NOVEMBER)).toEqual({
        since: "2026-11-01T00:00:00.000Z",
        until: "2026-12-01T00:00:00.000Z",
        runs: {
          total: 4,
          inProgress: 0,
          completed: 2,
          failed: 1,
          rejected: 1,
          cancelled: 0,
          successRate: 0.5,
          meanDurationMs: 45 * 60_000,
        },
        agents: { total: 4, inProgress: 0, completed: 3, failed: 1, timedOut: 0, cancelled: 0 },
        resources: { created: 8, deleted: 7, left: 1 },
        scenarios: [
          {
            scenarioId: alpha,
            runs: 2,
            agents: 2,
            completed: 2,
            failed: 0,
            timedOut: 0,
            cancelled: 0,
            successRate: 1,
            resourcesCreated: 4,
            resourcesLeft: 0,
            meanAgentDurationMs: AGENT_MS,
          },
          {
            scenarioId: beta,
            runs: 2,
            agents: 2,
            completed: 1,
            failed: 1,
            timedOut: 0,
            cancelled: 0,
            successRate: 0.5,
            resourcesCreated: 4,
            resourcesLeft: 1,
            meanAgentDurationMs: AGENT_MS,
          },
        ],
      });
    });

    it("narrows to one scenario: its runs, its agents", async () => {
      const store = await makeStore();
      await applyAll(store, events());
      const metrics = await store.metrics({ ...NOVEMBER, scenario: beta });
      expect(metrics).toMatchObject({
        scenario: beta,
        runs: { total: 2, completed: 2, successRate: 1 },
        agents: { total: 2, completed: 1, failed: 1 },
        resources: { created: 4, left: 1 },
      });
      expect(metrics.scenarios.map((scenario) => scenario.scenarioId)).toEqual([beta]);
    });

    it("answers zeros and no rates for a period without runs, and refuses a period that ends before it starts", async () => {
      const store = await makeStore();
      await applyAll(store, events());
      const empty = await store.metrics({ since: "2025-01-01T00:00:00Z", until: "2025-02-01T00:00:00Z" });
      expect(empty.runs).toEqual({
        total: 0,
        inProgress: 0,
        completed: 0,
        failed: 0,
        rejected: 0,
        cancelled: 0,
        successRate: null,
        meanDurationMs: null,
      });
      expect(empty.scenarios).toEqual([]);
      const backwards = store.metrics({ since: "2026-11-02T00:00:00Z", until: "2026-11-01T00:00:00Z" });
      await expect(backwards).rejects.toThrow(ProjectionQueryError);
      await expect(store.metrics({} as never)).rejects.toThrow(/since/);
    });
  });
}
