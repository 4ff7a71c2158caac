import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep, startTestBroker, type TestBroker } from "./harness.ts";

describe("auto-forwarding and duplicate detection through the official SDK", () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker({
      queues: [
        { Name: "inbox", Properties: { ForwardTo: "archive" } },
        { Name: "archive" },
        { Name: "strict", Properties: { MaxDeliveryCount: 1, ForwardDeadLetteredMessagesTo: "failures" } },
        { Name: "failures" },
        {
          Name: "once",
          Properties: { RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: "PT1S" },
        },
      ],
      topics: [
        {
          Name: "fanout",
          Subscriptions: [{ Name: "to-archive", Properties: { ForwardTo: "archive" } }, { Name: "kept" }],
        },
      ],
    });
  });
  afterAll(() => t.stop());

  const drain = async (queue: string) => {
    const receiver = t.client().createReceiver(queue, { receiveMode: "receiveAndDelete" });
    const bodies: unknown[] = [];
    for (;;) {
      const got = await receiver.receiveMessages(10, { maxWaitTimeInMs: 400 });
      if (got.length === 0) return bodies;
      bodies.push(...got.map((m) => m.body));
    }
  };

  it("forwards from a queue and from a subscription to the target entity", async () => {
    await t.client().createSender("inbox").sendMessages({ body: "via queue" });
    await t.client().createSender("fanout").sendMessages({ body: "via subscription" });
    expect((await drain("archive")).sort()).toEqual(["via queue", "via subscription"]);
    expect(await drain("inbox")).toEqual([]);
    expect(await t.client().createReceiver("fanout", "kept").peekMessages(5)).toHaveLength(1);
  });

  it("forwards dead-lettered messages, with their reason, to the entity the queue names", async () => {
    await t.client().createSender("strict").sendMessages({ body: "fails once" });
    const receiver = t.client().createReceiver("strict");
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    await receiver.abandonMessage(m!);
    const [failed] = await t
      .client()
      .createReceiver("failures", { receiveMode: "receiveAndDelete" })
      .receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(failed?.body).toBe("fails once");
    expect(failed?.applicationProperties?.DeadLetterReason).toBe("MaxDeliveryCountExceeded");
    expect(
      await t.client().createReceiver("strict", { subQueueType: "deadLetter" }).peekMessages(5),
    ).toHaveLength(0);
  });

  it("drops a message whose id it saw within the duplicate detection window, and accepts it after", async () => {
    const sender = t.client().createSender("once");
    await sender.sendMessages([
      { body: "first", messageId: "same" },
      { body: "again", messageId: "same" },
      { body: "other", messageId: "different" },
    ]);
    expect((await drain("once")).sort()).toEqual(["first", "other"]);
    await sleep(1100);
    await sender.sendMessages({ body: "later", messageId: "same" });
    expect(await drain("once")).toEqual(["later"]);
  });
});
