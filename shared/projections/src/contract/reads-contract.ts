// Contract: the gateway's lists — filters, newest-first order, paging by continuation token — and how bad
// queries are refused.
import type { HayMakerEvent } from "@haymaker/contracts";
import { describe, expect, it } from "vitest";
import { ProjectionQueryError } from "../errors.ts";
import { resourceRecordId } from "../projecting/resource-ids.ts";
import type { ProjectionStore } from "../projection-store.ts";
import { runStory, storyResources } from "./events.ts";
import { allPages, applyAll, type MakeProjectionStore } from "./helpers.ts";

/** Five runs over five days: three completed, one failed, one still running. */
function fiveRuns(): HayMakerEvent[] {
  const stillRunning = /\.(network-deleted|finished|cleanup-required|cleaned)$/;
  return [
    ...runStory({
      runId: "run-page-1",
      requestedAt: "2026-11-20T00:00:00Z",
      agents: [{ scenarioId: "alpha-one" }],
    }),
    ...runStory({
      runId: "run-page-2",
      requestedAt: "2026-11-21T06:00:00Z",
      agents: [{ scenarioId: "beta-two" }, { scenarioId: "alpha-one" }],
    }),
    ...runStory({
      runId: "run-page-3",
      requestedAt: "2026-11-22T12:00:00Z",
      agents: [{ scenarioId: "beta-two", leaveStorage: true }],
      ending: "failed",
    }),
    ...runStory({
      runId: "run-page-4",
      requestedAt: "2026-11-23T18:00:00Z",
      agents: [{ scenarioId: "gamma-three" }],
      ending: "none",
    }).filter((event) => !stillRunning.test(event.id)),
    ...runStory({
      runId: "run-page-5",
      requestedAt: "2026-11-24T00:00:00Z",
      agents: [{ scenarioId: "alpha-one" }],
    }),
  ];
}

async function storeWithFiveRuns(makeStore: MakeProjectionStore): Promise<ProjectionStore> {
  const store = await makeStore();
  await applyAll(store, fiveRuns());
  return store;
}

async function refusal(read: () => Promise<unknown>): Promise<ProjectionQueryError> {
  try {
    await read();
  } catch (error) {
    if (error instanceof ProjectionQueryError) return error;
    throw error;
  }
  throw new Error("expected the read to be refused");
}

export function describeReadsContract(makeStore: MakeProjectionStore): void {
  describe("lists and lookups", () => {
    it("lists runs newest first, a page at a time", async () => {
      const store = await storeWithFiveRuns(makeStore);
      const { items, pages } = await allPages((continuation) =>
        store.listExecutions({ limit: 2, continuation }),
      );
      expect(items.map((run) => run.runId)).toEqual([
        "run-page-5",
        "run-page-4",
        "run-page-3",
        "run-page-2",
        "run-page-1",
      ]);
      expect(pages).toBe(3);
      expect(items.map((run) => run.status)).toEqual([
        "completed",
        "running",
        "failed",
        "completed",
        "completed",
      ]);
      const firstPage = await store.listExecutions({ limit: 5 });
      expect(firstPage.items).toHaveLength(5);
      expect(firstPage.continuation).toBeUndefined();
    });

    it("filters runs by status, period and scenario", async () => {
      const store = await storeWithFiveRuns(makeStore);
      const ids = async (query: Parameters<ProjectionStore["listExecutions"]>[0]) =>
        (
          await allPages((continuation) => store.listExecutions({ ...query, limit: 1, continuation }))
        ).items.map((run) => run.runId);
      expect(await ids({ status: "completed" })).toEqual(["run-page-5", "run-page-2", "run-page-1"]);
      expect(await ids({ status: "running" })).toEqual(["run-page-4"]);
      expect(await ids({ since: "2026-11-21T06:00:00Z", until: "2026-11-23T18:00:00Z" })).toEqual([
        "run-page-3",
        "run-page-2",
      ]);
      // Offsets are instants like any other.
      expect(await ids({ since: "2026-11-23T20:00:00+02:00" })).toEqual(["run-page-5", "run-page-4"]);
      expect(await ids({ scenario: "alpha-one" })).toEqual(["run-page-5", "run-page-2", "run-page-1"]);
      expect(await ids({ scenario: "beta-two", status: "failed" })).toEqual(["run-page-3"]);
      expect(await ids({ scenario: "delta-four" })).toEqual([]);
    });

    it("lists agents by run, stage and scenario, a page at a time", async () => {
      const store = await storeWithFiveRuns(makeStore);
      const keys = async (query: Parameters<ProjectionStore["listAgents"]>[0]) =>
        (await allPages((continuation) => store.listAgents({ ...query, limit: 2, continuation }))).items.map(
          (agent) => `${agent.runId}/${agent.agentId}`,
        );
      expect(await keys({})).toEqual([
        "run-page-1/a01",
        "run-page-2/a01",
        "run-page-2/a02",
        "run-page-3/a01",
        "run-page-4/a01",
        "run-page-5/a01",
      ]);
      expect(await keys({ runId: "run-page-2" })).toEqual(["run-page-2/a01", "run-page-2/a02"]);
      expect(await keys({ scenario: "alpha-one" })).toEqual([
        "run-page-1/a01",
        "run-page-2/a02",
        "run-page-5/a01",
      ]);
      expect(await keys({ stage: "running" })).toEqual(["run-page-4/a01"]);
      expect(await keys({ stage: "cleaned", scenario: "beta-two" })).toEqual([
        "run-page-2/a01",
        "run-page-3/a01",
      ]);
    });

    it("lists resources by run, agent, scenario, status and type, a page at a time", async () => {
      const store = await storeWithFiveRuns(makeStore);
      const list = async (query: Parameters<ProjectionStore["listResources"]>[0]) =>
        (await allPages((continuation) => store.listResources({ ...query, limit: 3, continuation }))).items;
      const all = await list({});
      expect(all).toHaveLength(12);
      expect(new Set(all.map((resource) => resource.id)).size).toBe(12);
      expect(all.map((resource) => resource.runId)).toEqual(
        [...all.map((resource) => resource.runId)].sort(),
      );

      expect((await list({ runId: "run-page-2" })).map((resource) => resource.resourceId)).toEqual([
        storyResources("run-page-2", "a01").network,
        storyResources("run-page-2", "a01").storage,
        storyResources("run-page-2", "a02").network,
        storyResources("run-page-2", "a02").storage,
      ]);
      expect(
        (await list({ runId: "run-page-2", agentId: "a02" })).map((resource) => resource.agentId),
      ).toEqual(["a02", "a02"]);
      expect((await list({ status: "left" })).map((resource) => resource.resourceId)).toEqual([
        storyResources("run-page-3", "a01").storage,
      ]);
      expect(
        (await list({ scenario: "gamma-three" })).map((resource) => [resource.status, resource.type]),
      ).toEqual([
        ["created", "Microsoft.Network/virtualNetworks"],
        ["created", "Microsoft.Storage/storageAccounts"],
      ]);
      expect(await list({ type: "microsoft.storage/STORAGEACCOUNTS" })).toHaveLength(6);
    });

    it("finds a resource by its record id or by its ARM id in any casing", async () => {
      const store = await storeWithFiveRuns(makeStore);
      const armId = storyResources("run-page-3", "a01").storage;
      const byArmId = await store.getResource(
        armId.toUpperCase().replace("/SUBSCRIPTIONS/", "/subscriptions/"),
      );
      expect(byArmId).toMatchObject({
        resourceId: armId,
        runId: "run-page-3",
        agentId: "a01",
        status: "left",
      });
      expect(byArmId?.id).toBe(resourceRecordId(armId));
      expect(await store.getResource(resourceRecordId(armId))).toEqual(byArmId);
    });

    it("lists identities by run, a page at a time", async () => {
      const store = await storeWithFiveRuns(makeStore);
      const { items, pages } = await allPages((continuation) =>
        store.listIdentities({ limit: 4, continuation }),
      );
      expect(items.map((identity) => `${identity.runId}/${identity.agentId}`)).toEqual([
        "run-page-1/a01",
        "run-page-2/a01",
        "run-page-2/a02",
        "run-page-3/a01",
        "run-page-4/a01",
        "run-page-5/a01",
      ]);
      expect(pages).toBe(2);
      const running = await store.listIdentities({ runId: "run-page-4" });
      expect(running.items).toEqual([
        expect.objectContaining({ identityDeleted: false, secretDeleted: false }),
      ]);
      expect(running.items[0]?.deletedAt).toBeUndefined();
    });

    it("refuses bad queries, naming the field", async () => {
      const store = await storeWithFiveRuns(makeStore);
      const agentsPage = await store.listAgents({ limit: 1 });
      const cases: Array<[() => Promise<unknown>, string]> = [
        [() => store.listExecutions({ limit: 0 }), "limit"],
        [() => store.listExecutions({ limit: 10_000 }), "limit"],
        [() => store.listExecutions({ limit: 1.5 }), "limit"],
        [() => store.listExecutions({ status: "exploded" as never }), "status"],
        [() => store.listExecutions({ since: "yesterday" }), "since"],
        [() => store.listExecutions({ continuation: "not a token" }), "continuation"],
        [() => store.listExecutions({ continuation: agentsPage.continuation }), "continuation"],
        [() => store.listAgents({ stage: "sleeping" as never }), "stage"],
        [() => store.listResources({ status: "gone" as never }), "status"],
        [() => store.getExecution("Run_1"), "runId"],
        [() => store.getAgent("run-page-1", "A 1"), "agentId"],
        [() => store.getResource("storage-account"), "id"],
      ];
      for (const [read, field] of cases) expect((await refusal(read)).field).toBe(field);
    });
  });
}
