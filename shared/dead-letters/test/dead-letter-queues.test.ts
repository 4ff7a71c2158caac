// The dead-letter queues of HayMaker's own topology on the embedded broker, through the SDK: messages are
// dead-lettered the way the bus library does it, then listed, grouped, replayed, purged — and left alone
// when not chosen.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServiceBusClient } from "@azure/service-bus";
import { decodeEvent, newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA } from "@haymaker/contracts";
import { type HayMakerBus, startHayMakerBus } from "@haymaker/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DeadLetterQueues, ReplayOperations, TOPOLOGY_ENTITIES } from "../src/index.ts";
import { deadLetterEvents } from "../src/testing.ts";

const PROVISION = { topic: "agent-selected", subscription: "provision" };

function selected(runId: string, scenarioId = "retired-scenario"): EventOf<"agent.selected"> {
  return newEvent("agent.selected", {
    source: "/haymaker/select",
    data: { ...EXAMPLE_DATA["agent.selected"], runId, scenarioId },
  });
}

describe("dead-letter queues", () => {
  let bus: HayMakerBus;
  let client: ServiceBusClient;
  let queues: DeadLetterQueues;

  beforeAll(async () => {
    bus = await startHayMakerBus();
    client = bus.client;
    queues = new DeadLetterQueues(client, TOPOLOGY_ENTITIES);
  });
  afterAll(async () => {
    await bus.stop();
  });
  afterEach(async () => {
    // Empty every queue this file uses, live and dead.
    for (const entity of [PROVISION, { topic: "agent-selected", subscription: "projector" }]) {
      for (const subQueueType of [undefined, "deadLetter"] as const) {
        const receiver = client.createReceiver(entity.topic, entity.subscription, {
          receiveMode: "receiveAndDelete",
          subQueueType,
        });
        while ((await receiver.receiveMessages(500, { maxWaitTimeInMs: 200 })).length > 0);
        await receiver.close();
      }
    }
  });

  /** Dead-letters provision's copies of the events the way the bus library does. */
  const deadLetter = (events: readonly EventOf<"agent.selected">[], reason?: string, description?: string) =>
    deadLetterEvents(client, PROVISION.topic, PROVISION.subscription, events, reason, description);

  /** What provision would receive now. */
  async function delivered(): Promise<EventOf<"agent.selected">[]> {
    const receiver = client.createReceiver(PROVISION.topic, PROVISION.subscription, {
      receiveMode: "receiveAndDelete",
    });
    const events: EventOf<"agent.selected">[] = [];
    for (
      let batch = await receiver.receiveMessages(500, { maxWaitTimeInMs: 500 });
      batch.length > 0;
      batch = await receiver.receiveMessages(500, { maxWaitTimeInMs: 300 })
    ) {
      events.push(...batch.map((m) => decodeEvent(m) as EventOf<"agent.selected">));
    }
    await receiver.close();
    return events;
  }

  it("lists each dead letter with where it was, why it failed and its event, and groups them by failure", async () => {
    await deadLetter([selected("run-dl-a"), selected("run-dl-b")]);
    await deadLetter([selected("run-dl-c", "vm-start-stop")], "HandlerError", "TypeError: boom");
    const all = await queues.list();
    expect(all).toHaveLength(3);
    const first = all.find((l) => l.runId === "run-dl-a");
    expect(first).toMatchObject({
      topic: "agent-selected",
      subscription: "provision",
      reason: "UnknownScenario",
      description: "UnknownScenarioError: the scenario is not in the catalogue",
      eventType: "com.haymaker.agent.selected.v1",
      replayCount: 0,
      event: { type: "com.haymaker.agent.selected.v1", data: { scenarioId: "retired-scenario" } },
    });
    expect(first?.id).toMatch(/^agent-selected\.provision\.\d+$/);
    expect(first?.applicationProperties).toHaveProperty("cloudEvents_id", first?.eventId);
    const groups = new Set(all.map((l) => l.group));
    expect(groups.size).toBe(2);
    expect(await queues.list({ reason: "HandlerError" })).toHaveLength(1);
    expect(await queues.list({ runId: "run-dl-b" })).toHaveLength(1);
    expect(await queues.list({ subscription: "validate" })).toEqual([]);
    expect((await queues.get(first?.id ?? ""))?.eventId).toBe(first?.eventId);
    expect(await queues.get("agent-selected.provision.999999")).toBeUndefined();
    expect(await queues.counts()).toEqual([{ ...PROVISION, count: 3 }]);
  });

  it("shows a message that is not a valid event by its body", async () => {
    const sender = client.createSender("agent-selected");
    await sender.sendMessages({
      body: Buffer.from("{not json"),
      contentType: "application/json",
      messageId: "junk-1",
    });
    await sender.close();
    const receiver = client.createReceiver(PROVISION.topic, PROVISION.subscription);
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    if (message === undefined) throw new Error("the junk message did not arrive");
    await receiver.deadLetterMessage(message, {
      deadLetterReason: "InvalidEvent",
      deadLetterErrorDescription: "CloudEventDecodeError: body is not JSON",
    });
    await receiver.close();
    const [letter] = await queues.list({ reason: "InvalidEvent" });
    expect(letter?.event).toBeUndefined();
    expect(letter?.body).toBe("{not json");
    expect(letter?.messageId).toBe("junk-1");
  });

  it("replays chosen dead letters: the same event, its replay count raised, removed from the queue only after", async () => {
    const events = [selected("run-rp-a"), selected("run-rp-b"), selected("run-rp-c")];
    await deadLetter(events);
    const chosen = (await queues.list({ runId: "run-rp-b" })).map((l) => l.id);
    const progress = await queues.replay({}, new Set(chosen));
    expect(progress).toEqual({ done: 1, failed: 0, errors: [] });
    const again = await delivered();
    expect(again.map((e) => e.id)).toEqual([events[1]?.id]);
    expect(again[0]?.replaycount).toBe(1);
    expect(again[0]?.data).toEqual(events[1]?.data);
    const left = await queues.list();
    expect(left.map((l) => l.runId).sort()).toEqual(["run-rp-a", "run-rp-c"]);
    // The ones not chosen are as they were (only their delivery count moved).
    expect(left.every((l) => l.replayCount === 0 && l.reason === "UnknownScenario")).toBe(true);

    // It fails again: back in the queue, its replay count showing.
    await deadLetter([again[0] as EventOf<"agent.selected">]);
    expect((await queues.list({ runId: "run-rp-b" }))[0]?.replayCount).toBe(1);
  });

  it("replays a group, purges by filter, and an abort leaves what it did not reach untouched", async () => {
    const many = Array.from({ length: 600 }, (_, i) => selected(`run-bulk-${i}`));
    await deadLetter(many);
    const group = (await queues.list())[0]?.group ?? "";
    const stop = new AbortController();
    const seen: number[] = [];
    const progress = await queues.replay({ group }, undefined, {
      signal: stop.signal,
      onProgress: (p) => {
        seen.push(p.done);
        if (p.done >= 250) stop.abort();
      },
    });
    expect(progress.done).toBe(250);
    expect(seen).toEqual([250]);
    expect(await delivered()).toHaveLength(250);
    expect(await queues.counts()).toEqual([{ ...PROVISION, count: 350 }]);
    const purged = await queues.purge({ group }, undefined);
    expect(purged.done).toBe(350);
    expect(await queues.counts()).toEqual([]);
    expect(await delivered()).toEqual([]);
  });

  describe("replay operations", () => {
    it("replays 1,000 dead letters in the background, progress readable as it goes", async () => {
      await deadLetter(Array.from({ length: 1000 }, (_, i) => selected(`run-op-${i}`)));
      const operations = ReplayOperations.inMemory(queues);
      const group = (await queues.list())[0]?.group ?? "";
      const started = await operations.start({
        kind: "replay",
        selection: { group },
        requestedBy: "api-key:test",
        name: "bulk",
      });
      expect(started).toMatchObject({
        status: "running",
        total: 1000,
        replayed: 0,
        remaining: 1000,
        name: "bulk",
      });
      await operations.idle();
      expect(await operations.get(started.id)).toMatchObject({
        status: "completed",
        replayed: 1000,
        failed: 0,
        remaining: 0,
      });
      expect((await operations.get(started.id))?.finishedAt).toBeDefined();
      expect(await delivered()).toHaveLength(1000);
      expect(await queues.counts()).toEqual([]);
      expect((await operations.list()).map((o) => o.id)).toEqual([started.id]);
      await operations.close();
    });

    it("aborts half way, leaving the rest in the queue untouched; another process sharing the file sees it run", async () => {
      await deadLetter(Array.from({ length: 1000 }, (_, i) => selected(`run-ab-${i}`)));
      const directory = mkdtempSync(join(tmpdir(), "replays-"));
      const operations = ReplayOperations.open(directory, queues);
      const started = await operations.start({
        kind: "replay",
        selection: { filter: { reason: "UnknownScenario" } },
        requestedBy: "api-key:test",
      });
      // A second process opening the same file while it runs sees it running: its replica holds the lease.
      const restarted = ReplayOperations.open(directory, queues);
      expect((await restarted.get(started.id))?.status).toBe("running");
      while (((await operations.get(started.id))?.replayed ?? 0) < 250)
        await new Promise((r) => setTimeout(r, 5));
      const aborted = await operations.abort(started.id);
      expect(aborted).toMatchObject({ outcome: "aborted", operation: { status: "aborted" } });
      const replayed = aborted.outcome === "aborted" ? aborted.operation.replayed : -1;
      expect(replayed).toBeGreaterThanOrEqual(250);
      expect(replayed).toBeLessThan(1000);
      expect(await delivered()).toHaveLength(replayed);
      const left = await queues.list();
      expect(left).toHaveLength(1000 - replayed);
      expect(left.every((l) => l.replayCount === 0)).toBe(true);
      expect(await operations.abort("rpl-none")).toEqual({ outcome: "not-found" });
      await operations.close();
      await restarted.close();
    });

    it("purges as an operation", async () => {
      await deadLetter([selected("run-pg-1"), selected("run-pg-2")]);
      const operations = ReplayOperations.inMemory(queues);
      const [one] = await queues.list({ runId: "run-pg-1" });
      const started = await operations.start({
        kind: "purge",
        selection: { ids: [one?.id ?? ""] },
        requestedBy: "api-key:admin",
      });
      await operations.idle();
      expect(await operations.get(started.id)).toMatchObject({
        kind: "purge",
        status: "completed",
        total: 1,
        replayed: 1,
      });
      expect((await queues.list()).map((l) => l.runId)).toEqual(["run-pg-2"]);
      expect(await delivered()).toEqual([]);
      await operations.close();
      // A service told to stop twice (SIGINT, then SIGTERM) closes twice.
      await expect(operations.close()).resolves.toBeUndefined();
    });
  });
});
