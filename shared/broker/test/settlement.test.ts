// Peek-lock and everything that ends a lock: complete, abandon, expiry, renewal, dead-letter, defer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep, startTestBroker, type TestBroker } from "./harness.ts";

describe("peek-lock settlement through the official SDK", () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker({
      queues: [
        { Name: "abandon", Properties: { MaxDeliveryCount: 10 } },
        { Name: "short-lock", Properties: { LockDuration: "PT1S", MaxDeliveryCount: 10 } },
        { Name: "renew", Properties: { LockDuration: "PT2S" } },
        { Name: "poison", Properties: { MaxDeliveryCount: 3 } },
        { Name: "dead", Properties: {} },
        { Name: "defer", Properties: {} },
      ],
    });
  });
  afterAll(() => t.stop());

  it("redelivers an abandoned message with its delivery count raised and modified properties applied", async () => {
    const client = t.client();
    await client.createSender("abandon").sendMessages({ body: "x", applicationProperties: { tries: 0 } });
    const receiver = client.createReceiver("abandon");
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(first?.deliveryCount).toBe(0);
    await receiver.abandonMessage(first!, { tries: 1, note: "retry" });
    const [second] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(second?.deliveryCount).toBe(1);
    expect(second?.sequenceNumber?.toNumber()).toBe(first?.sequenceNumber?.toNumber());
    expect(second?.applicationProperties).toEqual({ tries: 1, note: "retry" });
    await receiver.completeMessage(second!);
  });

  it("redelivers when a lock expires, counting each delivery, and refuses to settle with the lost lock", async () => {
    const client = t.client();
    await client.createSender("short-lock").sendMessages({ body: "slow" });
    const receiver = client.createReceiver("short-lock", { maxAutoLockRenewalDurationInMs: 0 });
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    await sleep(1500);
    await expect(receiver.completeMessage(first!)).rejects.toMatchObject({ code: "MessageLockLost" });
    const [second] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(second?.body).toBe("slow");
    expect(second?.deliveryCount).toBe(1);
    await sleep(1500);
    const [third] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(third?.deliveryCount).toBe(2);
    await receiver.completeMessage(third!);
  });

  it("extends a lock on renewal", async () => {
    const client = t.client();
    await client.createSender("renew").sendMessages({ body: "long job" });
    const receiver = client.createReceiver("renew", { maxAutoLockRenewalDurationInMs: 0 });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    const before = message!.lockedUntilUtc!.getTime();
    await sleep(1200);
    const renewed = await receiver.renewMessageLock(message!);
    expect(renewed.getTime()).toBeGreaterThan(before + 1000);
    await sleep(1200);
    await receiver.completeMessage(message!);
    expect(await receiver.peekMessages(5)).toHaveLength(0);
  });

  it("renews locks automatically for a long handler (the SDK's auto lock renewal)", async () => {
    const client = t.client();
    await client.createSender("renew").sendMessages({ body: "auto" });
    const receiver = client.createReceiver("renew", { maxAutoLockRenewalDurationInMs: 60_000 });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    await sleep(4500);
    await receiver.completeMessage(message!);
    expect(await receiver.peekMessages(5)).toHaveLength(0);
  });

  it("dead-letters a message after max delivery count with reason MaxDeliveryCountExceeded", async () => {
    const client = t.client();
    await client.createSender("poison").sendMessages({ body: "poison", messageId: "p-1" });
    const receiver = client.createReceiver("poison");
    for (let attempt = 0; attempt < 3; attempt++) {
      const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
      expect(m?.deliveryCount).toBe(attempt);
      await receiver.abandonMessage(m!);
    }
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 500 })).toHaveLength(0);
    const deadLetters = client.createReceiver("poison", { subQueueType: "deadLetter" });
    const [dead] = await deadLetters.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(dead?.messageId).toBe("p-1");
    expect(dead?.deadLetterReason).toBe("MaxDeliveryCountExceeded");
    expect(dead?.deadLetterErrorDescription).toMatch(/3 delivery attempts/);
    expect(dead?.deadLetterSource).toBe("poison");
    await deadLetters.completeMessage(dead!);
  });

  it("moves a dead-lettered message to the dead-letter queue with its reason and description", async () => {
    const client = t.client();
    await client
      .createSender("dead")
      .sendMessages({ body: { bad: true }, messageId: "d-1", applicationProperties: { kind: "test" } });
    const receiver = client.createReceiver("dead");
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    await receiver.deadLetterMessage(m!, {
      deadLetterReason: "InvalidEvent",
      deadLetterErrorDescription: "data.runId: required",
      extra: 7,
    });
    expect(await receiver.peekMessages(5)).toHaveLength(0);
    const deadLetters = client.createReceiver("dead", { subQueueType: "deadLetter" });
    const peeked = await deadLetters.peekMessages(5);
    expect(peeked).toHaveLength(1);
    const [dead] = await deadLetters.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(dead?.body).toEqual({ bad: true });
    expect(dead?.deadLetterReason).toBe("InvalidEvent");
    expect(dead?.deadLetterErrorDescription).toBe("data.runId: required");
    expect(dead?.applicationProperties).toMatchObject({ kind: "test", extra: 7 });
    await deadLetters.completeMessage(dead!);
    expect(await deadLetters.peekMessages(5)).toHaveLength(0);
  });

  it("defers a message and hands it out again only by its sequence number", async () => {
    const client = t.client();
    await client.createSender("defer").sendMessages([{ body: "later" }, { body: "now" }]);
    const receiver = client.createReceiver("defer");
    const [later] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(later?.body).toBe("later");
    await receiver.deferMessage(later!);
    const [now] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(now?.body).toBe("now");
    await receiver.completeMessage(now!);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 500 })).toHaveLength(0);
    const [deferred] = await receiver.receiveDeferredMessages(later!.sequenceNumber!);
    expect(deferred?.body).toBe("later");
    expect(deferred?.state).toBe("deferred");
    await receiver.completeMessage(deferred!);
    expect(await receiver.peekMessages(5)).toHaveLength(0);
    await expect(receiver.receiveDeferredMessages(later!.sequenceNumber!)).rejects.toMatchObject({
      code: "MessageNotFound",
    });
  });
});
