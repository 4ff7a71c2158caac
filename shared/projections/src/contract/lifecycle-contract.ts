// Contract: what the projections show as a run goes through the pipeline.
import { EventDataError, EXAMPLE_DATA } from "@haymaker/contracts";
import { describe, expect, it } from "vitest";
import { agentIdAt, identityOf, runStory, storyEvent, storyResources, testEvent } from "./events.ts";
import { allPages, applyAll, type MakeProjectionStore } from "./helpers.ts";

const RUN = "run-story-a";
const STORY = runStory({
  runId: RUN,
  requestedAt: "2026-11-24T06:00:00Z",
  agents: [
    { scenarioId: "storage-blob-lifecycle" },
    { scenarioId: "network-peering", outcome: "failed", leaveStorage: true },
  ],
});

export function describeLifecycleContract(makeStore: MakeProjectionStore): void {
  describe("a run's life", () => {
    it("projects a run from its request to its report", async () => {
      const store = await makeStore();
      expect(await applyAll(store, STORY)).toEqual(STORY.map(() => true));

      const run = await store.getExecution(RUN);
      expect(run?.execution).toEqual({
        runId: RUN,
        status: "completed",
        requestedBy: "scheduler",
        requestedAt: "2026-11-24T06:00:00.000Z",
        scenarios: ["storage-blob-lifecycle", "network-peering"],
        scenarioIds: ["network-peering", "storage-blob-lifecycle"],
        duration: "PT1H",
        tags: { team: "detection-engineering" },
        checks: [
          { name: "credentials", ok: true },
          { name: "quota", ok: false, detail: "vCPU quota at 85%" },
        ],
        agentCounts: {
          expected: 2,
          byStage: {
            selected: 0,
            provisioned: 0,
            deployed: 0,
            running: 0,
            finished: 0,
            "cleanup-required": 0,
            cleaned: 2,
          },
        },
        summary: { agents: 2, completed: 1, failed: 1, timedOut: 0, cancelled: 0, leftovers: 1 },
        report: { json: `local:reports/${RUN}/report.json`, markdown: `local:reports/${RUN}/report.md` },
        validatedAt: "2026-11-24T06:01:00.000Z",
        completedAt: "2026-11-24T06:45:00.000Z",
        endedAt: "2026-11-24T06:45:00.000Z",
        elapsedMs: 45 * 60_000,
        sortAt: "2026-11-24T06:00:00.000Z",
        updatedAt: "2026-11-24T06:45:00.000Z",
      });
      expect(run?.agents.map((agent) => agent.agentId)).toEqual(["a01", "a02"]);

      const { storage, network } = storyResources(RUN, "a01");
      expect(run?.agents[0]).toEqual({
        runId: RUN,
        agentId: "a01",
        scenarioId: "storage-blob-lifecycle",
        timeline: {
          selected: "2026-11-24T06:02:00.000Z",
          provisioned: "2026-11-24T06:03:00.000Z",
          deployed: "2026-11-24T06:04:00.000Z",
          running: "2026-11-24T06:05:00.000Z",
          finished: "2026-11-24T06:40:00.000Z",
          "cleanup-required": "2026-11-24T06:41:00.000Z",
          cleaned: "2026-11-24T06:42:00.000Z",
        },
        index: 0,
        total: 2,
        stage: "cleaned",
        outcome: "completed",
        duration: "PT1H",
        deadline: "2026-11-24T07:02:00.000Z",
        tags: {},
        resourceGroup: `haymaker-${RUN}-a01`,
        identity: { displayName: `haymaker-${RUN}-a01`, appId: identityOf(RUN, "a01", 0).appId },
        runtimeRef: `local:agent-${RUN}-a01`,
        progress: {
          stage: "operate",
          step: 2,
          stepsTotal: 4,
          iteration: 3,
          message: "rotating blob tiers",
          at: "2026-11-24T06:08:00.000Z",
        },
        checkNumber: 1,
        deployedAt: "2026-11-24T06:04:00.000Z",
        finishedAt: "2026-11-24T06:40:00.000Z",
        exitCode: 0,
        leftoversFound: 1,
        cleanedAt: "2026-11-24T06:42:00.000Z",
        resources: { created: 2, deleted: 2, left: 0 },
        deleted: [storage],
        notDeleted: [],
        logCount: 2,
        lastLogAt: "2026-11-24T06:10:00.000Z",
        updatedAt: "2026-11-24T06:42:00.000Z",
      });
      expect(run?.agents[1]).toMatchObject({
        agentId: "a02",
        outcome: "failed",
        reason: "the agent ended as failed",
        exitCode: 1,
        resources: { created: 2, deleted: 1, left: 1 },
        notDeleted: [{ resourceId: storyResources(RUN, "a02").storage, reason: "locked by a delete lock" }],
      });
      expect(await store.getAgent(RUN, "a01")).toEqual(run?.agents[0]);

      const resources = await allPages((continuation) => store.listResources({ runId: RUN, continuation }));
      expect(
        resources.items.map(
          ({ agentId, type, status, createdAt, deletedAt, deletedBy, leftAt, leftReason }) => ({
            agentId,
            type,
            status,
            createdAt,
            deletedAt,
            deletedBy,
            leftAt,
            leftReason,
          }),
        ),
      ).toEqual([
        {
          agentId: "a01",
          type: "Microsoft.Network/virtualNetworks",
          status: "deleted",
          createdAt: "2026-11-24T06:07:00.000Z",
          deletedAt: "2026-11-24T06:11:00.000Z",
          deletedBy: "agent",
          leftAt: undefined,
          leftReason: undefined,
        },
        {
          agentId: "a01",
          type: "Microsoft.Storage/storageAccounts",
          status: "deleted",
          createdAt: "2026-11-24T06:06:00.000Z",
          deletedAt: "2026-11-24T06:42:00.000Z",
          deletedBy: "cleanup",
          leftAt: undefined,
          leftReason: undefined,
        },
        {
          agentId: "a02",
          type: "Microsoft.Network/virtualNetworks",
          status: "deleted",
          createdAt: "2026-11-24T06:07:01.000Z",
          deletedAt: "2026-11-24T06:11:01.000Z",
          deletedBy: "agent",
          leftAt: undefined,
          leftReason: undefined,
        },
        {
          agentId: "a02",
          type: "Microsoft.Storage/storageAccounts",
          status: "left",
          createdAt: "2026-11-24T06:06:01.000Z",
          deletedAt: undefined,
          deletedBy: undefined,
          leftAt: "2026-11-24T06:42:01.000Z",
          leftReason: "locked by a delete lock",
        },
      ]);
      expect(resources.items[0]?.resourceId).toBe(network);

      const identities = await store.listIdentities({ runId: RUN });
      expect(identities.items[0]).toEqual({
        runId: RUN,
        agentId: "a01",
        scenarioId: "storage-blob-lifecycle",
        ...identityOf(RUN, "a01", 0),
        roles: [
          {
            role: "Contributor",
            scope: `/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/haymaker-${RUN}-a01`,
          },
        ],
        resourceGroup: `haymaker-${RUN}-a01`,
        secretRef: `local:${RUN}-a01`,
        createdAt: "2026-11-24T06:03:00.000Z",
        identityDeleted: true,
        secretDeleted: true,
        deletedAt: "2026-11-24T06:42:00.000Z",
        updatedAt: "2026-11-24T06:42:00.000Z",
      });
      expect(identities.items).toHaveLength(2);
    });

    it("moves the run's status forward as its events arrive", async () => {
      const store = await makeStore();
      const statuses: string[] = [];
      for (const event of STORY) {
        await store.apply(event);
        const status = (await store.getExecution(RUN))?.execution.status;
        if (status && statuses.at(-1) !== status) statuses.push(status);
      }
      expect(statuses).toEqual(["requested", "validated", "running", "cleaning", "completed"]);
    });

    it("shows a cancelled run as cancelling, then cancelled once it completes", async () => {
      const store = await makeStore();
      const runId = "run-cancelled";
      const events = runStory({
        runId,
        requestedAt: "2026-11-24T12:00:00Z",
        agents: [{ scenarioId: "vm-restart", outcome: "cancelled" }],
      });
      const finished = events.findIndex((event) => event.id === `${runId}.a01.finished`);
      await applyAll(store, events.slice(0, finished));
      const cancel = testEvent(
        "run.cancel.requested",
        { runId, requestedBy: "operator:alice@contoso.com", reason: "maintenance window" },
        { id: `${runId}.cancel`, time: "2026-11-24T12:20:00Z" },
      );
      await store.apply(cancel);
      expect((await store.getExecution(runId))?.execution.status).toBe("cancelling");

      await applyAll(store, events.slice(finished));
      const { execution } = (await store.getExecution(runId)) ?? {};
      expect(execution).toMatchObject({
        status: "cancelled",
        cancellation: {
          requestedBy: "operator:alice@contoso.com",
          reason: "maintenance window",
          requestedAt: "2026-11-24T12:20:00.000Z",
        },
        endedAt: "2026-11-24T12:45:00.000Z",
      });
    });

    it("shows a run that failed, with the phase and the reason", async () => {
      const store = await makeStore();
      const runId = "run-failing";
      await applyAll(
        store,
        runStory({
          runId,
          requestedAt: "2026-11-24T18:00:00Z",
          agents: [{ scenarioId: "vm-restart" }],
          ending: "failed",
        }),
      );
      expect((await store.getExecution(runId))?.execution).toMatchObject({
        status: "failed",
        failure: { phase: "report", reason: "the report store is full" },
        failedAt: "2026-11-24T18:45:00.000Z",
        endedAt: "2026-11-24T18:45:00.000Z",
        elapsedMs: 45 * 60_000,
      });
    });

    it("shows a rejected run with the checks that failed", async () => {
      const store = await makeStore();
      const rejected = testEvent("run.rejected", EXAMPLE_DATA["run.rejected"], {
        id: "rejected-1",
        time: "2026-11-24T06:00:30Z",
      });
      await store.apply(rejected);
      expect((await store.getExecution(rejected.data.runId))?.execution).toMatchObject({
        status: "rejected",
        size: "small",
        failedChecks: [{ name: "image", message: "agent image not found in registry" }],
        rejectedAt: "2026-11-24T06:00:30.000Z",
        endedAt: "2026-11-24T06:00:30.000Z",
        elapsedMs: 30_000,
        agentCounts: { byStage: { selected: 0, cleaned: 0 } },
      });
    });

    it("takes a cleanup request without changing any run's projections, only recording the cleanup", async () => {
      const store = await makeStore();
      const request = testEvent("cleanup.requested", EXAMPLE_DATA["cleanup.requested"], {
        id: "cleanup-1",
        time: "2026-11-24T09:00:00Z",
      });
      expect(await store.apply(request)).toEqual({ applied: true });
      expect(await store.apply(request)).toEqual({ applied: false });
      expect((await store.listExecutions()).items).toEqual([]);
      expect(await store.getCleanup(EXAMPLE_DATA["cleanup.requested"].cleanupId)).toMatchObject({
        status: "requested",
      });
    });

    it("refuses an invalid event and writes nothing", async () => {
      const store = await makeStore();
      const valid = storyEvent(STORY, RUN, "requested");
      const invalid = { ...valid, data: { ...valid.data, duration: "eight hours" } } as typeof valid;
      await expect(store.apply(invalid)).rejects.toThrow(EventDataError);
      expect(await store.getExecution(RUN)).toBeUndefined();
      // Its id was not recorded either: the valid event with the same id still applies.
      expect(await store.apply(valid)).toEqual({ applied: true });
    });

    it("knows nothing of runs, agents and resources it has not seen", async () => {
      const store = await makeStore();
      expect(await store.getExecution("run-unknown")).toBeUndefined();
      expect(await store.getAgent("run-unknown", agentIdAt(0))).toBeUndefined();
      expect(await store.getResource(storyResources("run-unknown", "a01").storage)).toBeUndefined();
      expect(await store.agentLogs("run-unknown", "a01")).toEqual({ items: [], lastSequence: 0 });
      expect(await store.listAgents()).toEqual({ items: [] });
      expect(await store.listIdentities()).toEqual({ items: [] });
    });
  });
}
