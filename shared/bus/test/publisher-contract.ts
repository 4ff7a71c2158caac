import { newEvent } from "@haymaker/cloudevents";
import { EXAMPLE_DATA } from "@haymaker/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventPublisher } from "../src/index.ts";
import type { BusUnderTest } from "./bus-harness.ts";
import { runRequested, sleep } from "./bus-harness.ts";

/** What EventPublisher must do on any Service Bus namespace with the test topology (busTestConfig). */
export function describePublisherContract(name: string, startBus: () => Promise<BusUnderTest>): void {
  describe(`publishing events with the bus library: ${name}`, () => {
    let bus: BusUnderTest;
    let publisher: EventPublisher;
    beforeAll(async () => {
      bus = await startBus();
      publisher = new EventPublisher(bus.client);
    });
    afterAll(async () => {
      await publisher.close();
      await bus.stop();
    });

    const drain = async (topic: string, subscription: string) => {
      const receiver = bus.client.createReceiver(topic, subscription, { receiveMode: "receiveAndDelete" });
      const ids: string[] = [];
      for (;;) {
        const got = await receiver.receiveMessages(200, { maxWaitTimeInMs: 300 });
        if (got.length === 0) break;
        ids.push(...got.map((m) => String(m.messageId)));
      }
      await receiver.close();
      return ids;
    };

    it("sends each event to its type's topic, many at once in batches, every subscription getting a copy", async () => {
      const runs = Array.from({ length: 300 }, () => runRequested());
      const agents = Array.from({ length: 200 }, (_, i) =>
        newEvent("agent.selected", {
          source: "/haymaker/select",
          data: { ...EXAMPLE_DATA["agent.selected"], agentId: `a${i}` },
        }),
      );
      await publisher.publishAll([...runs, ...agents]);
      expect(new Set(await drain("run-requested", "validate"))).toEqual(new Set(runs.map((e) => e.id)));
      expect(await drain("run-requested", "projector")).toHaveLength(300);
      expect(new Set(await drain("agent-selected", "provision"))).toEqual(new Set(agents.map((e) => e.id)));
    });

    it("probes a topic without sending anything, and fails for a topic the namespace does not have", async () => {
      await publisher.probe("run-requested");
      expect(await drain("run-requested", "validate")).toEqual([]);
      await expect(publisher.probe("no-such-topic" as "run-requested")).rejects.toThrow();
    });

    it("schedules an event for later and can cancel one", async () => {
      const check = (checkNumber: number) =>
        newEvent("agent.check", {
          source: "/haymaker/monitor",
          data: { ...EXAMPLE_DATA["agent.check"], checkNumber },
        });
      const kept = check(1);
      const cancelled = check(2);
      const at = new Date(Date.now() + 1000);
      await publisher.schedule(kept, at);
      const sequenceNumber = await publisher.schedule(cancelled, at);
      expect(typeof sequenceNumber).toBe("bigint");
      await publisher.cancelScheduled(cancelled.type, sequenceNumber);
      expect(await drain("agent-check", "monitor")).toEqual([]);
      await sleep(1200);
      expect(await drain("agent-check", "monitor")).toEqual([kept.id]);
    });

    it("refuses to publish an event that breaks its contract", async () => {
      const event = runRequested();
      await expect(
        publisher.publish({ ...event, data: { ...event.data, duration: "forever" } }),
      ).rejects.toThrow(/data\.duration/);
    });
  });
}
