import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep, startTestBroker, type TestBroker } from "./harness.ts";

describe("scheduling, peek and time-to-live through the official SDK", () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker({
      queues: [
        { Name: "scheduled" },
        { Name: "peek" },
        { Name: "expiring-dlq", Properties: { DeadLetteringOnMessageExpiration: true } },
        { Name: "expiring-drop", Properties: { DeadLetteringOnMessageExpiration: false } },
        {
          Name: "default-ttl",
          Properties: { DeadLetteringOnMessageExpiration: true, DefaultMessageTimeToLive: "PT1S" },
        },
      ],
      topics: [{ Name: "later", Subscriptions: [{ Name: "one" }, { Name: "two" }] }],
    });
  });
  afterAll(() => t.stop());

  it("delivers a scheduled message only at its time, and never once cancelled", async () => {
    const client = t.client();
    const sender = client.createSender("scheduled");
    const at = new Date(Date.now() + 1500);
    const [kept] = await sender.scheduleMessages({ body: "kept" }, at);
    const [cancelled] = await sender.scheduleMessages({ body: "cancelled" }, at);
    expect(kept!.toNumber()).toBeLessThan(cancelled!.toNumber());
    await sender.cancelScheduledMessages(cancelled!);
    const receiver = client.createReceiver("scheduled", { receiveMode: "receiveAndDelete" });
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 800 })).toHaveLength(0);
    const got = await receiver.receiveMessages(5, { maxWaitTimeInMs: 3000 });
    expect(got.map((m) => m.body)).toEqual(["kept"]);
    expect(got[0]!.enqueuedTimeUtc!.getTime()).toBeGreaterThanOrEqual(at.getTime() - 50);
    expect(await receiver.receiveMessages(5, { maxWaitTimeInMs: 1000 })).toHaveLength(0);
  });

  it("fans a scheduled topic message out to every subscription when it comes due", async () => {
    const client = t.client();
    await client.createSender("later").scheduleMessages({ body: "due" }, new Date(Date.now() + 500));
    for (const name of ["one", "two"]) {
      const [m] = await client
        .createReceiver("later", name, { receiveMode: "receiveAndDelete" })
        .receiveMessages(1, { maxWaitTimeInMs: 4000 });
      expect(m?.body).toBe("due");
    }
  });

  it("peeks without locking, from a sequence number on", async () => {
    const client = t.client();
    await client.createSender("peek").sendMessages([{ body: 1 }, { body: 2 }, { body: 3 }]);
    const receiver = client.createReceiver("peek");
    const all = await receiver.peekMessages(10, { fromSequenceNumber: undefined });
    expect(all.map((m) => m.body)).toEqual([1, 2, 3]);
    expect(all[0]?.lockToken).toBeUndefined();
    const fromSecond = await receiver.peekMessages(10, { fromSequenceNumber: all[1]!.sequenceNumber! });
    expect(fromSecond.map((m) => m.body)).toEqual([2, 3]);
    const got = await receiver.receiveMessages(3, { maxWaitTimeInMs: 3000 });
    expect(got.map((m) => m.deliveryCount)).toEqual([0, 0, 0]);
  });

  it("dead-letters expired messages with TTLExpiredException when the entity asks for it", async () => {
    const client = t.client();
    await client.createSender("expiring-dlq").sendMessages({ body: "stale", timeToLive: 500 });
    await sleep(1700);
    const receiver = client.createReceiver("expiring-dlq", { receiveMode: "receiveAndDelete" });
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 500 })).toHaveLength(0);
    const [dead] = await client
      .createReceiver("expiring-dlq", { subQueueType: "deadLetter" })
      .receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(dead?.body).toBe("stale");
    expect(dead?.deadLetterReason).toBe("TTLExpiredException");
  });

  it("drops expired messages when the entity does not dead-letter them, and applies the entity's default TTL", async () => {
    const client = t.client();
    await client.createSender("expiring-drop").sendMessages({ body: "gone", timeToLive: 300 });
    await client.createSender("default-ttl").sendMessages({ body: "defaulted" });
    await sleep(1700);
    expect(await client.createReceiver("expiring-drop").peekMessages(5)).toHaveLength(0);
    expect(
      await client.createReceiver("expiring-drop", { subQueueType: "deadLetter" }).peekMessages(5),
    ).toHaveLength(0);
    const dead = await client.createReceiver("default-ttl", { subQueueType: "deadLetter" }).peekMessages(5);
    expect(dead.map((m) => m.body)).toEqual(["defaulted"]);
  });
});
