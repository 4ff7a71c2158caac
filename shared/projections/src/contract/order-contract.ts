// Contract: at-least-once delivery in any order. The bus redelivers and the projector's subscriptions run
// side by side on separate topics, so the same event may come twice and a run's events in any order.
import { describe, expect, it } from "vitest";
import { runStory, storyEvent, storyResources, testEvent } from "./events.ts";
import { applyAll, type MakeProjectionStore, shuffled, snapshotOf } from "./helpers.ts";

const RUN = "run-story-b";
const STORY = runStory({
  runId: RUN,
  requestedAt: "2026-11-24T06:00:00Z",
  agents: [
    { scenarioId: "storage-blob-lifecycle" },
    { scenarioId: "network-peering", outcome: "timed-out", leaveStorage: true },
    { scenarioId: "vm-restart" },
  ],
});

export function describeOrderContract(makeStore: MakeProjectionStore): void {
  describe("delivery twice and out of order", () => {
    it("changes nothing when an event it has applied comes again", async () => {
      const store = await makeStore();
      await applyAll(store, STORY);
      const before = await snapshotOf(store, RUN);
      expect(await applyAll(store, STORY)).toEqual(STORY.map(() => false));
      expect(await snapshotOf(store, RUN)).toEqual(before);
      expect((await store.agentLogs(RUN, "a01")).lastSequence).toBe(2);
    });

    it("counts a log line, a resource and a stage once when their event comes twice in a row", async () => {
      const store = await makeStore();
      const doubled = STORY.flatMap((event) => [event, event]);
      expect(await applyAll(store, doubled)).toEqual(STORY.flatMap(() => [true, false]));
      const run = await store.getExecution(RUN);
      expect(run?.agents.map((agent) => [agent.logCount, agent.resources])).toEqual([
        [2, { created: 2, deleted: 2, left: 0 }],
        [2, { created: 2, deleted: 1, left: 1 }],
        [2, { created: 2, deleted: 2, left: 0 }],
      ]);
      expect(run?.execution.agentCounts).toMatchObject({ expected: 3, byStage: { cleaned: 3 } });
    });

    it.each([1, 2, 3, 4, 5, 6])(
      "reaches the same projections whatever the order (shuffle %i)",
      async (seed) => {
        const inOrder = await makeStore();
        await applyAll(inOrder, STORY);
        const shuffledStore = await makeStore();
        await applyAll(shuffledStore, shuffled(STORY, seed));
        expect(await snapshotOf(shuffledStore, RUN)).toEqual(await snapshotOf(inOrder, RUN));
      },
    );

    it("keeps a run completed when an agent's cleanup arrives after it, and still records the cleanup", async () => {
      const store = await makeStore();
      const cleaned = storyEvent(STORY, RUN, "a02.cleaned");
      await applyAll(
        store,
        STORY.filter((event) => event !== cleaned),
      );
      expect((await store.getExecution(RUN))?.execution.status).toBe("completed");
      await store.apply(cleaned);

      const run = await store.getExecution(RUN);
      expect(run?.execution.status).toBe("completed");
      expect(run?.execution.agentCounts.byStage).toMatchObject({ "cleanup-required": 0, cleaned: 3 });
      expect(run?.agents[1]).toMatchObject({
        stage: "cleaned",
        resources: { created: 2, deleted: 1, left: 1 },
      });
      expect(await store.getResource(storyResources(RUN, "a02").storage)).toMatchObject({ status: "left" });
      expect((await store.listIdentities({ runId: RUN })).items[1]).toMatchObject({ identityDeleted: true });
    });

    it("never moves a cleaned agent back, though a late report still updates its progress", async () => {
      const store = await makeStore();
      await applyAll(store, STORY);
      const late = testEvent(
        "agent.progress",
        {
          runId: RUN,
          agentId: "a01",
          scenarioId: "storage-blob-lifecycle",
          stage: "cleanup",
          step: 4,
          stepsTotal: 4,
        },
        { id: "late-progress", time: "2026-11-24T06:30:00Z" },
      );
      const older = testEvent(
        "agent.progress",
        { runId: RUN, agentId: "a01", scenarioId: "storage-blob-lifecycle", stage: "deploy", step: 1 },
        { id: "older-progress", time: "2026-11-24T06:05:00Z" },
      );
      const lateCheck = testEvent(
        "agent.check",
        { ...(storyEvent(STORY, RUN, "a01.check-1").data as object), checkNumber: 2 } as never,
        { id: "late-check", time: "2026-11-24T06:20:00Z" },
      );
      await applyAll(store, [late, older, lateCheck]);
      const agent = await store.getAgent(RUN, "a01");
      expect(agent?.stage).toBe("cleaned");
      expect(agent?.progress).toEqual({
        stage: "cleanup",
        step: 4,
        stepsTotal: 4,
        at: "2026-11-24T06:30:00.000Z",
      });
      expect(agent?.checkNumber).toBe(2);
      expect((await store.getExecution(RUN))?.execution).toMatchObject({
        status: "completed",
        agentCounts: { byStage: { running: 0, cleaned: 3 } },
      });
    });

    it("lets the newest event's fields win and an older one only fill what is missing", async () => {
      const store = await makeStore();
      const selected = storyEvent(STORY, RUN, "a01.selected");
      const deployed = storyEvent(STORY, RUN, "a01.deployed");
      const laterDeadline = { ...(deployed.data as object), deadline: "2026-11-24T08:00:00Z" } as never;
      await store.apply(
        testEvent("agent.deployed", laterDeadline, { id: "deployed-late-deadline", time: deployed.time }),
      );
      await store.apply(selected);
      expect(await store.getAgent(RUN, "a01")).toMatchObject({
        stage: "deployed",
        deadline: "2026-11-24T08:00:00.000Z",
        duration: "PT1H",
        deployedAt: "2026-11-24T06:04:00.000Z",
      });
      // Heard of through its agents before its request arrived, the run already counts them.
      expect((await store.getExecution(RUN))?.execution).toMatchObject({
        status: "running",
        agentCounts: { expected: 3, byStage: { deployed: 1, selected: 0 } },
        sortAt: "2026-11-24T06:02:00.000Z",
      });
      await store.apply(storyEvent(STORY, RUN, "requested"));
      expect((await store.getExecution(RUN))?.execution).toMatchObject({
        status: "running",
        requestedBy: "scheduler",
        sortAt: "2026-11-24T06:00:00.000Z",
      });
    });
  });
}
