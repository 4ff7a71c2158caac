import type { ServiceBusClient } from "@azure/service-bus";
import { newEvent } from "@haymaker/cloudevents";
import type { EventOf } from "@haymaker/contracts";
import Long from "long";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type ConsumerOptions,
  consume,
  EventPublisher,
  type RunningConsumer,
  UnprocessableEventError,
} from "../src/index.ts";
import type { BusUnderTest } from "./bus-harness.ts";
import { MAX_DELIVERY, runRequested, sleep } from "./bus-harness.ts";

/**
 * What consume() must do on any Service Bus namespace with the test topology (busTestConfig): the embedded
 * broker in the unit tests, Microsoft's Service Bus emulator in the optional emulator suite.
 */
export function describeConsumerContract(name: string, startBus: () => Promise<BusUnderTest>): void {
  describe(`consuming a subscription with the bus library: ${name}`, () => {
    let bus: BusUnderTest;
    let client: ServiceBusClient;
    let publisher: EventPublisher;
    const consumers: RunningConsumer[] = [];
    beforeAll(async () => {
      bus = await startBus();
      client = bus.client;
      publisher = new EventPublisher(client);
    });
    afterEach(async () => {
      await Promise.all(consumers.splice(0).map((c) => c.stop()));
      // Leave every queue empty for the next test.
      for (const subscription of ["validate", "projector"]) {
        for (const subQueueType of [undefined, "deadLetter"] as const) {
          const receiver = client.createReceiver("run-requested", subscription, {
            receiveMode: "receiveAndDelete",
            subQueueType,
          });
          while ((await receiver.receiveMessages(100, { maxWaitTimeInMs: 200 })).length > 0);
          await receiver.close();
        }
      }
    });
    afterAll(async () => {
      await publisher.close();
      await bus.stop();
    });

    /** Consumes run.requested on the validate subscription, stopped after the test. */
    const consumeValidate = (
      options: Omit<ConsumerOptions<"run.requested">, "topic" | "subscription" | "accepts">,
    ) =>
      consumers.push(
        consume(client, {
          topic: "run-requested",
          subscription: "validate",
          accepts: ["run.requested"],
          ...options,
        }),
      );
    const deadLetters = async (subscription = "validate") => {
      const receiver = client.createReceiver("run-requested", subscription, { subQueueType: "deadLetter" });
      // The SDK shares one peek cursor per entity across receivers: start from the beginning every time.
      const messages = await receiver.peekMessages(50, { fromSequenceNumber: Long.ZERO });
      await receiver.close();
      return messages;
    };
    const waitFor = async (condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
      const until = Date.now() + timeoutMs;
      while (!(await condition())) {
        if (Date.now() > until) throw new Error("timed out waiting");
        await sleep(50);
      }
    };

    it("hands the handler the typed event as published and completes it", async () => {
      const event = runRequested();
      const seen: Array<EventOf<"run.requested">> = [];
      consumeValidate({
        handler: async (e) => void seen.push(e),
      });
      await publisher.publish(event);
      await waitFor(() => seen.length === 1);
      expect(seen[0]).toEqual(event);
      await sleep(300);
      expect(await client.createReceiver("run-requested", "validate").peekMessages(5)).toHaveLength(0);
    });

    it("gives the events a handler publishes the trace of the event it handles", async () => {
      const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
      const caused: string[] = [];
      consumeValidate({
        handler: async (e) => {
          await sleep(5);
          const failed = newEvent("run.failed", {
            source: "/haymaker/test",
            data: { runId: e.data.runId, phase: "validate", reason: "test" },
          });
          caused.push(failed.traceparent ?? "none");
        },
      });
      await publisher.publish({ ...runRequested(), traceparent });
      await waitFor(() => caused.length === 1);
      expect(caused[0]).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
      expect(caused[0]).not.toBe(traceparent);
    });

    it("dead-letters a message that is not a valid event as InvalidEvent on its first delivery", async () => {
      const handled: unknown[] = [];
      consumeValidate({
        handler: async (e) => void handled.push(e),
      });
      const good = runRequested();
      await client.createSender("run-requested").sendMessages([
        {
          body: Buffer.from("not json at all"),
          contentType: "application/json",
          applicationProperties: { cloudEvents_type: good.type },
        },
        { body: { hello: "world" }, applicationProperties: { cloudEvents_specversion: "1.0" } },
      ]);
      await waitFor(async () => (await deadLetters()).length === 2);
      const dead = await deadLetters();
      expect(dead.map((m) => m.deadLetterReason)).toEqual(["InvalidEvent", "InvalidEvent"]);
      expect(dead.map((m) => m.deliveryCount)).toEqual([0, 0]);
      for (const m of dead) {
        expect(m.deadLetterErrorDescription).toMatch(/^CloudEventDecodeError: /);
        expect(m.deadLetterErrorDescription).not.toMatch(/\n\s+at /);
      }
      expect(handled).toHaveLength(0);
    });

    it("dead-letters an event whose data breaks its schema, naming the field", async () => {
      consumeValidate({
        handler: async () => {},
      });
      const event = runRequested();
      await client.createSender("run-requested").sendMessages({
        body: Buffer.from(JSON.stringify({ ...event.data, duration: "8 hours" })),
        contentType: "application/json",
        messageId: event.id,
        applicationProperties: {
          cloudEvents_specversion: "1.0",
          cloudEvents_id: event.id,
          cloudEvents_source: event.source,
          cloudEvents_type: event.type,
          cloudEvents_time: new Date(event.time),
          cloudEvents_correlationid: event.correlationid,
        },
      });
      await waitFor(async () => (await deadLetters()).length === 1);
      const [dead] = await deadLetters();
      expect(dead?.deadLetterReason).toBe("InvalidEvent");
      expect(dead?.deadLetterErrorDescription).toContain("data.duration");
    });

    it("dead-letters at once with the handler's reason when it says the event can never be processed", async () => {
      consumeValidate({
        handler: async () => {
          throw new UnprocessableEventError("UnknownScenario", "scenario 'vm-ghost' is not in the catalogue");
        },
      });
      await publisher.publish(runRequested());
      await waitFor(async () => (await deadLetters()).length === 1);
      const [dead] = await deadLetters();
      expect(dead?.deadLetterReason).toBe("UnknownScenario");
      expect(dead?.deadLetterErrorDescription).toBe(
        "UnprocessableEventError: scenario 'vm-ghost' is not in the catalogue",
      );
      expect(dead?.deliveryCount).toBe(0);
    });

    it("retries a transient failure with backoff and completes once the handler succeeds", async () => {
      const attempts: Array<{ at: number; count: number }> = [];
      consumeValidate({
        retryBaseMs: 200,
        handler: async (_event, context) => {
          attempts.push({ at: Date.now(), count: context.delivery.deliveryCount });
          if (attempts.length < 2) throw new Error("the store is busy");
        },
      });
      await publisher.publish(runRequested());
      await waitFor(() => attempts.length === 2);
      expect(attempts.map((a) => a.count)).toEqual([0, 1]);
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(190);
      await sleep(300);
      expect(await client.createReceiver("run-requested", "validate").peekMessages(5)).toHaveLength(0);
      expect(await deadLetters()).toHaveLength(0);
    });

    it("lets a handler that always fails reach the dead-letter queue after max delivery count, cause recorded in the log only", async () => {
      let attempts = 0;
      consumeValidate({
        retryBaseMs: 10,
        handler: async () => {
          attempts++;
          throw new Error("always broken");
        },
      });
      await publisher.publish(runRequested());
      await waitFor(async () => (await deadLetters()).length === 1);
      expect(attempts).toBe(MAX_DELIVERY);
      const [dead] = await deadLetters();
      expect(dead?.deadLetterReason).toBe("MaxDeliveryCountExceeded");
    });

    it("dead-letters a handler's last failure itself, as HandlerError with the cause, when it knows the max delivery count", async () => {
      let attempts = 0;
      consumeValidate({
        retryBaseMs: 10,
        maxDeliveryCount: MAX_DELIVERY,
        handler: async () => {
          attempts++;
          throw new TypeError("the store said no");
        },
      });
      await publisher.publish(runRequested());
      await waitFor(async () => (await deadLetters()).length === 1);
      expect(attempts).toBe(MAX_DELIVERY);
      const [dead] = await deadLetters();
      expect(dead?.deadLetterReason).toBe("HandlerError");
      expect(dead?.deadLetterErrorDescription).toBe(
        `failed ${MAX_DELIVERY} times; last: TypeError: the store said no`,
      );
    });

    it("never puts a credential from an error message into the dead-letter description", async () => {
      consumeValidate({
        handler: async () => {
          throw new UnprocessableEventError(
            "HandlerError",
            "login failed for Endpoint=sb://x/;SharedAccessKey=abc123secretvalue",
          );
        },
      });
      await publisher.publish(runRequested());
      await waitFor(async () => (await deadLetters()).length === 1);
      const [dead] = await deadLetters();
      expect(dead?.deadLetterErrorDescription).not.toContain("abc123secretvalue");
      expect(dead?.deadLetterErrorDescription).toContain("withheld");
    });

    it("dead-letters an event type the subscription does not take", async () => {
      consumers.push(
        consume(client, {
          topic: "run-requested",
          subscription: "validate",
          accepts: ["run.validated"],
          handler: async () => {},
        }),
      );
      await publisher.publish(runRequested());
      await waitFor(async () => (await deadLetters()).length === 1);
      const [dead] = await deadLetters();
      expect(dead?.deadLetterReason).toBe("InvalidEvent");
      expect(dead?.deadLetterErrorDescription).toContain("does not take these events");
    });

    it("runs at most `concurrency` handlers at once", async () => {
      let running = 0;
      let peak = 0;
      let done = 0;
      consumeValidate({
        concurrency: 3,
        handler: async () => {
          running++;
          peak = Math.max(peak, running);
          await sleep(150);
          running--;
          done++;
        },
      });
      await publisher.publishAll(Array.from({ length: 12 }, () => runRequested()));
      await waitFor(() => done === 12);
      expect(peak).toBe(3);
    });

    it("handles events about the same run one after another, even when delivered together", async () => {
      const order: string[] = [];
      let running = 0;
      let peak = 0;
      consumeValidate({
        concurrency: 4,
        handler: async (event) => {
          running++;
          peak = Math.max(peak, running);
          order.push(`start ${event.id}`);
          await sleep(100);
          order.push(`end ${event.id}`);
          running--;
        },
      });
      const first = runRequested();
      // Same run (same subject), different event ids: e.g. a duplicate published by a retried handler.
      const second = newEvent("run.requested", { source: "/haymaker/test", data: first.data });
      await publisher.publishAll([first, second]);
      await waitFor(() => order.length === 4);
      expect(peak).toBe(1);
      expect(order[1]?.startsWith("end")).toBe(true);
    });

    it("keeps the lock of a handler that runs longer than the lock duration", async () => {
      let calls = 0;
      consumeValidate({
        handler: async () => {
          calls++;
          await sleep(5000);
        },
      });
      await publisher.publish(runRequested());
      await waitFor(() => calls === 1);
      await sleep(5800);
      expect(calls).toBe(1);
      expect(await client.createReceiver("run-requested", "validate").peekMessages(5)).toHaveLength(0);
      expect(await deadLetters()).toHaveLength(0);
    });

    it("finishes and settles in-flight messages on stop, losing none and taking no more", async () => {
      const finished: string[] = [];
      let started = 0;
      const consumer = consume(client, {
        topic: "run-requested",
        subscription: "validate",
        accepts: ["run.requested"],
        concurrency: 2,
        handler: async (event) => {
          started++;
          await sleep(800);
          finished.push(event.id);
        },
      });
      const events = Array.from({ length: 6 }, () => runRequested());
      await publisher.publishAll(events);
      await waitFor(() => started >= 2);
      await consumer.stop();
      const handledAtStop = finished.length;
      expect(handledAtStop).toBe(started);
      const remaining = await client.createReceiver("run-requested", "validate").peekMessages(10);
      expect(remaining.length + handledAtStop).toBe(6);
      expect(remaining.every((m) => m.deliveryCount === 0)).toBe(true);
      expect(new Set([...finished, ...remaining.map((m) => String(m.messageId))])).toEqual(
        new Set(events.map((e) => e.id)),
      );
    });
  });
}
