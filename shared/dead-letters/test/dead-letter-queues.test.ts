// The dead-letter queues of HayMaker's own topology on the embedded broker, through the SDK: messages are
// dead-lettered the way the bus library does it, then listed, grouped, replayed, purged — and left alone
// when not chosen.
import type { ServiceBusClient } from "@azure/service-bus";
import { EventPublisher } from "@haymaker/bus";
import { decodeEvent, newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA, topology } from "@haymaker/contracts";
import { type HayMakerBus, startHayMakerBus } from "@haymaker/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DeadLetterQueues, type Entity } from "../src/index.ts";

const ENTITIES: Entity[] = topology.topics.flatMap((topic) =>
  topic.subscriptions.map((s) => ({ topic: topic.name, subscription: s.name })),
);
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
  let publisher: EventPublisher;
  let queues: DeadLetterQueues;

  beforeAll(async () => {
    bus = await startHayMakerBus();
    client = bus.client;
    publisher = new EventPublisher(client);
    queues = new DeadLetterQueues(client, ENTITIES);
  });
  afterAll(async () => {
    await publisher.close();
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

  /** Publishes the events and dead-letters provision's copies with the bus library's reason and cause. */
  async function deadLetter(
    events: readonly EventOf<"agent.selected">[],
    reason = "UnknownScenario",
    description?: string,
  ) {
    await publisher.publishAll(events);
    const receiver = client.createReceiver(PROVISION.topic, PROVISION.subscription);
    let left = events.length;
    while (left > 0) {
      const batch = await receiver.receiveMessages(Math.min(left, 250), { maxWaitTimeInMs: 2000 });
      if (batch.length === 0) throw new Error(`only ${events.length - left} of ${events.length} arrived`);
      for (const message of batch) {
        const event = decodeEvent(message) as EventOf<"agent.selected">;
        await receiver.deadLetterMessage(message, {
          deadLetterReason: reason,
          deadLetterErrorDescription:
            description ?? `UnknownScenarioError: no scenario ${event.data.scenarioId} in the catalogue`,
        });
      }
      left -= batch.length;
    }
    await receiver.close();
  }

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
      description: "UnknownScenarioError: no scenario retired-scenario in the catalogue",
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
});
