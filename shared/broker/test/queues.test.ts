import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBroker, type TestBroker } from "./harness.ts";

describe("queues through the official SDK", () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker({
      queues: [
        { Name: "orders", Properties: { LockDuration: "PT30S", MaxDeliveryCount: 5 } },
        { Name: "batches" },
        { Name: "deletes" },
      ],
    });
  });
  afterAll(() => t.stop());

  it("delivers a sent message to a peek-lock receiver and forgets it once completed", async () => {
    const client = t.client();
    await client.createSender("orders").sendMessages({
      body: { order: 1 },
      messageId: "m-1",
      subject: "new",
      applicationProperties: { region: "emea", qty: 3 },
    });
    const receiver = client.createReceiver("orders");
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(message?.body).toEqual({ order: 1 });
    expect(message?.messageId).toBe("m-1");
    expect(message?.subject).toBe("new");
    expect(message?.applicationProperties).toEqual({ region: "emea", qty: 3 });
    expect(message?.deliveryCount).toBe(0);
    expect(typeof message?.sequenceNumber?.toNumber()).toBe("number");
    expect(message?.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    const lockedFor = (message?.lockedUntilUtc?.getTime() ?? 0) - Date.now();
    expect(lockedFor).toBeGreaterThan(25_000);
    expect(lockedFor).toBeLessThanOrEqual(30_000);
    await receiver.completeMessage(message!);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);
    expect(await receiver.peekMessages(10)).toHaveLength(0);
  });

  it("assigns a message id when the sender gave none", async () => {
    const client = t.client();
    await client.createSender("orders").sendMessages({ body: "no id" });
    const receiver = client.createReceiver("orders", { receiveMode: "receiveAndDelete" });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(message?.body).toBe("no id");
    expect(typeof message?.messageId).toBe("string");
    expect(String(message?.messageId).length).toBeGreaterThan(0);
  });

  it("accepts arrays and batches and delivers every message in order with rising sequence numbers", async () => {
    const client = t.client();
    const sender = client.createSender("batches");
    await sender.sendMessages([{ body: 1 }, { body: 2 }, { body: 3 }]);
    const batch = await sender.createMessageBatch();
    for (let i = 4; i <= 50; i++) expect(batch.tryAddMessage({ body: i })).toBe(true);
    await sender.sendMessages(batch);
    const receiver = client.createReceiver("batches", { receiveMode: "receiveAndDelete" });
    const bodies: number[] = [];
    const sequence: number[] = [];
    while (bodies.length < 50) {
      const got = await receiver.receiveMessages(50, { maxWaitTimeInMs: 2000 });
      if (got.length === 0) break;
      for (const m of got) {
        bodies.push(m.body as number);
        sequence.push(m.sequenceNumber!.toNumber());
      }
    }
    expect(bodies).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect([...sequence].sort((a, b) => a - b)).toEqual(sequence);
  });

  it("removes messages on receipt in receiveAndDelete mode", async () => {
    const client = t.client();
    await client.createSender("deletes").sendMessages([{ body: "a" }, { body: "b" }]);
    const receiver = client.createReceiver("deletes", { receiveMode: "receiveAndDelete" });
    const got = await receiver.receiveMessages(2, { maxWaitTimeInMs: 3000 });
    expect(got.map((m) => m.body).sort()).toEqual(["a", "b"]);
    expect(got[0]?.lockToken).toBeUndefined();
    expect(await receiver.peekMessages(10)).toHaveLength(0);
  });

  it("answers MessagingEntityNotFound for an unknown entity, on send and on receive", async () => {
    const client = t.client();
    await expect(client.createSender("nope").sendMessages({ body: 1 })).rejects.toMatchObject({
      code: "MessagingEntityNotFound",
    });
    await expect(
      client.createReceiver("nope").receiveMessages(1, { maxWaitTimeInMs: 1000 }),
    ).rejects.toMatchObject({
      code: "MessagingEntityNotFound",
    });
    await expect(
      client.createReceiver("orders", "sub").receiveMessages(1, { maxWaitTimeInMs: 1000 }),
    ).rejects.toMatchObject({
      code: "MessagingEntityNotFound",
    });
  });

  it("refuses session receivers instead of ignoring the session", async () => {
    // The SDK reports any refused session attach as SessionCannotBeLocked; the broker's detach says why.
    await expect(t.client().acceptSession("orders", "session-1")).rejects.toMatchObject({
      code: "SessionCannotBeLocked",
      retryable: false,
    });
  });

  it("lets subscribe() handlers process a stream of messages", async () => {
    const client = t.client();
    const sender = client.createSender("orders");
    await sender.sendMessages(Array.from({ length: 20 }, (_, i) => ({ body: i })));
    const receiver = client.createReceiver("orders");
    const seen: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const subscription = receiver.subscribe(
        {
          processMessage: async (message) => {
            seen.push(message.body as number);
            if (seen.length === 20) subscription.close().then(resolve, reject);
          },
          processError: async (args) => reject(args.error),
        },
        { autoCompleteMessages: true, maxConcurrentCalls: 4 },
      );
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
