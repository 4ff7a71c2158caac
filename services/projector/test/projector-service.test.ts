// projector as a process: consumes every topic through the embedded broker with HayMaker's topology and
// keeps the SQLite projections under its data directory, which this test reads back as the gateway would.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { EventPublisher } from "@haymaker/bus";
import { subscriptionsOf } from "@haymaker/contracts";
import { type ProjectionStore, SqliteProjectionStore } from "@haymaker/projections";
import { runStory, storyEvent, storyResources } from "@haymaker/projections/testing";
import { type HayMakerBus, spawnService, startHayMakerBus } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../bin/haymaker-projector.js", import.meta.url));
const RUN = "run-projector-e2e";
const STORY = runStory({
  runId: RUN,
  requestedAt: "2026-11-24T06:00:00Z",
  agents: [{ scenarioId: "storage-blob-lifecycle" }, { scenarioId: "network-peering", leaveStorage: true }],
});

/** Polls `read` until `done` holds for what it returns (at most 20 s), and returns that. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(100);
  }
}

/** Messages on the projector's subscriptions not yet completed (peek sees locked ones too). */
async function pendingMessages(bus: HayMakerBus): Promise<number> {
  let pending = 0;
  for (const subscription of subscriptionsOf("projector")) {
    // A fresh receiver each time: a receiver's peeks continue where its last one stopped.
    const receiver = bus.client.createReceiver(subscription.topic, subscription.name);
    pending += (await receiver.peekMessages(10)).length;
    await receiver.close();
  }
  return pending;
}

describe("the projector service", () => {
  let bus: HayMakerBus;
  let dataDirectory: string;
  beforeAll(async () => {
    bus = await startHayMakerBus();
    dataDirectory = await mkdtemp(join(tmpdir(), "haymaker-projector-"));
  });
  afterAll(async () => {
    await bus.stop();
    await rm(dataDirectory, { recursive: true, force: true });
  });

  it("projects a run's events from every topic, once each, whatever order they arrive in", async () => {
    const service = spawnService(BIN, [], {
      HAYMAKER_SERVICEBUS_CONNECTION_STRING: bus.broker.connectionString,
      HAYMAKER_DATA_DIR: dataDirectory,
      HAYMAKER_LOG_LEVEL: "warn",
    });
    let store: ProjectionStore | undefined;
    try {
      const publisher = new EventPublisher(bus.client);
      const cleaned = storyEvent(STORY, RUN, "a02.cleaned");
      const log = storyEvent(STORY, RUN, "a01.log-1");
      // Everything but one agent's cleanup, with a log line delivered twice: the run completes first.
      await publisher.publishAll([...STORY.filter((event) => event !== cleaned), log]);
      store = SqliteProjectionStore.open(dataDirectory);
      const reader = store;
      const completed = await eventually(
        () => reader.getExecution(RUN),
        (run) =>
          run?.execution.status === "completed" &&
          run.agents.map((agent) => agent.stage).join() === "cleaned,cleanup-required",
      );
      expect(completed?.execution.status).toBe("completed");
      expect(completed?.agents.map((agent) => agent.stage)).toEqual(["cleaned", "cleanup-required"]);

      // The cleanup arrives after the run completed: recorded, and the run stays completed.
      await publisher.publish(cleaned);
      await publisher.close();
      // Telemetry travels on its own topic, so it may still be arriving: wait for the whole picture.
      const expectedAgents = [
        ["cleaned", 2, { created: 2, deleted: 2, left: 0 }],
        ["cleaned", 2, { created: 2, deleted: 1, left: 1 }],
      ];
      const summary = (value: Awaited<ReturnType<ProjectionStore["getExecution"]>>) =>
        value?.agents.map((agent) => [agent.stage, agent.logCount, agent.resources]);
      const run = await eventually(
        () => reader.getExecution(RUN),
        (value) => JSON.stringify(summary(value)) === JSON.stringify(expectedAgents),
      );
      expect(summary(run)).toEqual(expectedAgents);
      expect(run?.execution).toMatchObject({
        status: "completed",
        agentCounts: { expected: 2, byStage: { cleaned: 2 } },
        summary: { agents: 2, leftovers: 1 },
      });
      expect((await reader.agentLogs(RUN, "a01")).items.map((line) => line.message)).toEqual([
        "deploying",
        "throttled, retrying",
      ]);
      expect(await reader.getResource(storyResources(RUN, "a02").storage)).toMatchObject({
        status: "left",
        leftReason: "locked by a delete lock",
      });
      expect(
        (await reader.listIdentities({ runId: RUN })).items.map((identity) => identity.identityDeleted),
      ).toEqual([true, true]);
      // Once every message is settled (the duplicate too), the log still has its two lines, and nothing
      // was dead-lettered.
      expect(
        await eventually(
          () => pendingMessages(bus),
          (pending) => pending === 0,
        ),
      ).toBe(0);
      expect((await reader.getAgent(RUN, "a01"))?.logCount).toBe(2);
      const deadLetters = bus.client.createReceiver("agent-telemetry", "projector", {
        subQueueType: "deadLetter",
      });
      expect(await deadLetters.receiveMessages(1, { maxWaitTimeInMs: 200 })).toEqual([]);
      await deadLetters.close();
    } finally {
      await store?.close();
      service.child.kill("SIGTERM");
      expect(await service.exited).toBe(0);
    }
    expect(service.output()).not.toMatch(/\n\s+at /);
  });
});
