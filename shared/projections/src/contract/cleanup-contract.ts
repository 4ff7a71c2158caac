// Contract: an operator's cleanup — its own record (requested, then completed with what it did), and what
// it settles in the runs it reports on: resources deleted or left, identities and secrets deleted.
import type { CleanedAgent, EventDataInput, HayMakerEvent } from "@haymaker/contracts";
import { describe, expect, it } from "vitest";
import { ProjectionQueryError } from "../errors.ts";
import type { ProjectionStore } from "../projection-store.ts";
import {
  agentIdAt,
  identityOf,
  resourceGroupOf,
  runStory,
  SUBSCRIPTION,
  storyResources,
  testEvent,
} from "./events.ts";
import { allPages, applyAll, type MakeProjectionStore, snapshotOf } from "./helpers.ts";

const RUN = "run-left-behind";
const OTHER = "run-left-behind-too";
const CLEANUP = "cleanup-20261124-090000-ab12";
const SCENARIO = "storage-blob-lifecycle";
/** a01 performs SCENARIO, a02 this one. */
const SCENARIOS = [SCENARIO, "network-peering"];
const OPERATOR = "operator:alice@contoso.com";

/** A run cancelled before its cleanup ran: resources, identities and secrets left behind. */
function abandonedRun(runId: string, agents: number): HayMakerEvent[] {
  return runStory({
    runId,
    requestedAt: "2026-11-24T06:00:00Z",
    agents: SCENARIOS.slice(0, agents).map((scenarioId) => ({ scenarioId })),
    ending: "none",
  }).filter((event) => !/cleanup\.required|agent\.cleaned/.test(event.type));
}

const groupOf = (runId: string, agentId: string) =>
  `${SUBSCRIPTION}/resourceGroups/${resourceGroupOf(runId, agentId)}`;

function requested(data: Partial<EventDataInput<"cleanup.requested">> = {}, id = `${CLEANUP}.requested`) {
  return testEvent(
    "cleanup.requested",
    { cleanupId: CLEANUP, runId: RUN, dryRun: false, requestedBy: OPERATOR, ...data },
    { id, time: "2026-11-24T09:00:00Z" },
  );
}

function completed(
  agents: CleanedAgent[],
  data: Partial<EventDataInput<"cleanup.completed">> = {},
  id = `${CLEANUP}.completed`,
) {
  return testEvent(
    "cleanup.completed",
    {
      cleanupId: CLEANUP,
      runId: RUN,
      requestedBy: OPERATOR,
      completedAt: "2026-11-24T09:01:00Z",
      agents,
      unowned: { deleted: [], notDeleted: [] },
      counts: {
        resourcesDeleted: agents.reduce((sum, agent) => sum + agent.deleted.length, 0),
        resourcesNotDeleted: agents.reduce((sum, agent) => sum + agent.notDeleted.length, 0),
        identitiesDeleted: agents.filter((agent) => agent.identity?.deleted).length,
        identitiesNotDeleted: agents.filter((agent) => agent.identity?.deleted === false).length,
        secretsDeleted: agents.filter((agent) => agent.secret?.deleted).length,
        secretsNotDeleted: agents.filter((agent) => agent.secret?.deleted === false).length,
      },
      ...data,
    },
    { id, time: "2026-11-24T09:01:00Z" },
  );
}

/** a01: everything deleted. a02: its storage account locked, its identity refused. */
function cleanedAgents(runId = RUN): CleanedAgent[] {
  const a01 = storyResources(runId, "a01");
  const a02 = storyResources(runId, "a02");
  return [
    {
      runId,
      agentId: "a01",
      scenarioId: SCENARIO,
      deleted: [a01.storage, groupOf(runId, "a01")],
      notDeleted: [],
      identity: { displayName: identityOf(runId, "a01", 0).displayName, deleted: true },
      secret: { deleted: true },
    },
    {
      runId,
      agentId: "a02",
      scenarioId: SCENARIOS[1] as string,
      deleted: [],
      notDeleted: [
        { resourceId: a02.storage, reason: "409 ScopeLocked" },
        { resourceId: groupOf(runId, "a02"), reason: "409 ScopeLocked" },
      ],
      identity: {
        displayName: identityOf(runId, "a02", 1).displayName,
        deleted: false,
        reason: "403 Forbidden",
      },
      secret: { deleted: true },
    },
  ];
}

async function resourcesOf(store: ProjectionStore, runId: string) {
  const { items } = await allPages((continuation) => store.listResources({ runId, continuation }));
  return Object.fromEntries(items.map((item) => [item.resourceId, item]));
}

async function identitiesOf(store: ProjectionStore, runId: string) {
  const { items } = await allPages((continuation) => store.listIdentities({ runId, continuation }));
  return Object.fromEntries(items.map((item) => [item.agentId, item]));
}

export function describeCleanupContract(makeStore: MakeProjectionStore): void {
  describe("an operator's cleanup", () => {
    it("is readable as requested, then as completed with what it did", async () => {
      const store = await makeStore();
      await applyAll(store, abandonedRun(RUN, 2));
      const agents = cleanedAgents().map(({ runId, agentId, scenarioId }, index) => ({
        runId,
        agentId,
        scenarioId,
        identity: identityOf(runId, agentId, index),
        secretRef: `local:${runId}-${agentId}`,
      }));
      expect(await applyAll(store, [requested({ agents })])).toEqual([true]);
      expect(await store.getCleanup(CLEANUP)).toEqual({
        cleanupId: CLEANUP,
        status: "requested",
        runId: RUN,
        requestedBy: OPERATOR,
        requestedAt: "2026-11-24T09:00:00.000Z",
        agentsNamed: 2,
        updatedAt: "2026-11-24T09:00:00.000Z",
      });

      const done = completed(cleanedAgents());
      expect(await applyAll(store, [done])).toEqual([true]);
      const cleanup = await store.getCleanup(CLEANUP);
      expect(cleanup).toEqual({
        cleanupId: CLEANUP,
        status: "completed",
        runId: RUN,
        requestedBy: OPERATOR,
        requestedAt: "2026-11-24T09:00:00.000Z",
        agentsNamed: 2,
        completedAt: "2026-11-24T09:01:00.000Z",
        agents: done.data.agents,
        unowned: { deleted: [], notDeleted: [] },
        counts: {
          resourcesDeleted: 2,
          resourcesNotDeleted: 2,
          identitiesDeleted: 1,
          identitiesNotDeleted: 1,
          secretsDeleted: 2,
          secretsNotDeleted: 0,
        },
        truncated: false,
        updatedAt: "2026-11-24T09:01:00.000Z",
      });
      // No record holds a secret reference.
      expect(JSON.stringify(cleanup)).not.toContain("local:");
    });

    it("moves what it deleted to deleted, what it could not to left, and identities and secrets to deleted", async () => {
      const store = await makeStore();
      await applyAll(store, [...abandonedRun(RUN, 2), requested(), completed(cleanedAgents())]);
      const resources = await resourcesOf(store, RUN);
      const a01 = storyResources(RUN, "a01");
      const a02 = storyResources(RUN, "a02");
      expect(resources[a01.storage]).toMatchObject({
        status: "deleted",
        deletedBy: "cleanup",
        deletedAt: "2026-11-24T09:01:00.000Z",
      });
      // Deleted by the agent before: stays as the agent reported it.
      expect(resources[a01.network]).toMatchObject({ status: "deleted", deletedBy: "agent" });
      expect(resources[groupOf(RUN, "a01")]).toMatchObject({ status: "deleted", deletedBy: "cleanup" });
      expect(resources[a02.storage]).toMatchObject({ status: "left", leftReason: "409 ScopeLocked" });

      const identities = await identitiesOf(store, RUN);
      expect(identities.a01).toMatchObject({
        identityDeleted: true,
        secretDeleted: true,
        deletedAt: "2026-11-24T09:01:00.000Z",
      });
      expect(identities.a02).toMatchObject({ identityDeleted: false, secretDeleted: true });
      expect(identities.a02).not.toHaveProperty("deletedAt");

      const run = await store.getExecution(RUN);
      expect(run?.agents.map((agent) => [agent.stage, agent.resources])).toEqual([
        ["finished", { created: 3, deleted: 3, left: 0 }],
        ["finished", { created: 3, deleted: 1, left: 2 }],
      ]);
    });

    it("applies the same completion once, and the same in either order", async () => {
      const inOrder = await makeStore();
      const events = [...abandonedRun(RUN, 2), requested(), completed(cleanedAgents())];
      expect(await applyAll(inOrder, [...events, completed(cleanedAgents()), requested()])).toEqual([
        ...events.map(() => true),
        false,
        false,
      ]);
      const reversed = await makeStore();
      await applyAll(reversed, [completed(cleanedAgents()), requested(), ...abandonedRun(RUN, 2)]);
      expect(await reversed.getCleanup(CLEANUP)).toEqual(await inOrder.getCleanup(CLEANUP));
      const { run: _run, ...inOrderRest } = await snapshotOf(inOrder, RUN);
      const { run: _reversedRun, ...reversedRest } = await snapshotOf(reversed, RUN);
      expect(reversedRest.identities).toEqual(inOrderRest.identities);
      expect(reversedRest.resources.map((resource) => [resource.resourceId, resource.status])).toEqual(
        inOrderRest.resources.map((resource) => [resource.resourceId, resource.status]),
      );
    });

    it("settles a scenario's cleanup in every run it reports on, and streams it in none", async () => {
      const store = await makeStore();
      await applyAll(store, [...abandonedRun(RUN, 2), ...abandonedRun(OTHER, 2)]);
      const before = await Promise.all([RUN, OTHER].map((runId) => store.runEvents(runId)));
      const scenarioWide = { runId: undefined, scenarioId: SCENARIO };
      await applyAll(store, [
        requested(scenarioWide),
        completed([cleanedAgents(RUN)[0], cleanedAgents(OTHER)[0]] as CleanedAgent[], scenarioWide),
      ]);
      for (const runId of [RUN, OTHER]) {
        const resources = await resourcesOf(store, runId);
        expect(resources[storyResources(runId, "a01").storage]?.status).toBe("deleted");
        // The other scenario's agent is not part of it.
        expect(resources[storyResources(runId, "a02").storage]?.status).toBe("created");
        expect((await identitiesOf(store, runId)).a01?.identityDeleted).toBe(true);
      }
      const after = await Promise.all([RUN, OTHER].map((runId) => store.runEvents(runId)));
      expect(after.map((page) => page.lastSequence)).toEqual(before.map((page) => page.lastSequence));
      expect(await store.getCleanup(CLEANUP)).toMatchObject({ status: "completed", scenarioId: SCENARIO });
    });

    it("shows a run's cleanup in the run's event stream, once each", async () => {
      const store = await makeStore();
      await applyAll(store, [...abandonedRun(RUN, 2), requested(), completed(cleanedAgents())]);
      await applyAll(store, [completed(cleanedAgents())]);
      const { items } = await store.runEvents(RUN, { limit: 1000 });
      expect(items.slice(-2).map((item) => item.event.type)).toEqual([
        "com.haymaker.cleanup.requested.v1",
        "com.haymaker.cleanup.completed.v1",
      ]);
    });

    it("records an agent the projections never heard of, without inventing its run", async () => {
      const store = await makeStore();
      const stranger = agentIdAt(7);
      const group = groupOf(RUN, stranger);
      await applyAll(store, [
        requested(),
        completed([
          {
            runId: RUN,
            agentId: stranger,
            scenarioId: SCENARIO,
            deleted: [group],
            notDeleted: [],
            identity: { displayName: `haymaker-${RUN}-${stranger}`, deleted: true },
          },
        ]),
      ]);
      expect((await resourcesOf(store, RUN))[group]).toMatchObject({ status: "deleted", agentId: stranger });
      expect((await identitiesOf(store, RUN))[stranger]).toMatchObject({
        identityDeleted: true,
        secretDeleted: false,
      });
      expect(await store.getAgent(RUN, stranger)).toBeUndefined();
    });

    it("answers undefined for an unknown cleanup and refuses an id that cannot be one", async () => {
      const store = await makeStore();
      expect(await store.getCleanup("cleanup-20261124-000000-0000")).toBeUndefined();
      await expect(store.getCleanup("run-1")).rejects.toBeInstanceOf(ProjectionQueryError);
      await expect(store.getCleanup("cleanup-../../x")).rejects.toThrow(/cleanupId/);
    });
  });
}
