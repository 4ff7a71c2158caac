// receiveMessages() in a loop while a burst arrives. In receiveAndDelete a message is deleted once sent, so one
// sent where the SDK no longer listens (after a drain, or on a link it closed) is gone: the broker may send
// only within the credit the client granted, must answer every drain, and may send nothing after it.
import type { ServiceBusReceivedMessage, ServiceBusReceiver } from "@azure/service-bus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plainLogin, sleep, startTestBroker, type TestBroker } from "./harness.ts";
import { rheaClient } from "./rhea-client.ts";

type Mode = "receiveAndDelete" | "peekLock";
interface Case {
  mode: Mode;
  messages: number;
  batch: number;
  /** A new receiver for every receiveMessages call, closed after it: the SDK's link goes with it. */
  fresh: boolean;
}

const cases: Case[] = [
  { mode: "receiveAndDelete", messages: 152, batch: 10, fresh: false },
  { mode: "receiveAndDelete", messages: 300, batch: 25, fresh: false },
  { mode: "receiveAndDelete", messages: 152, batch: 10, fresh: true },
  { mode: "receiveAndDelete", messages: 200, batch: 50, fresh: true },
  { mode: "peekLock", messages: 152, batch: 10, fresh: false },
  { mode: "peekLock", messages: 152, batch: 50, fresh: true },
];

/** Waits for a condition the broker's answer makes true; a broker that never answers fails the test. */
async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await sleep(10);
  }
}

const topicOf = (c: Case) => `burst-${c.mode}-${c.messages}-${c.batch}-${c.fresh ? "fresh" : "reused"}`;

describe("receiveMessages in a loop during a burst", () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker({
      queues: [{ Name: "wire" }, { Name: "eager" }],
      topics: cases.map((c) => ({ Name: topicOf(c), Subscriptions: [{ Name: "sub" }] })),
    });
  });
  afterAll(() => t.stop());

  const left = (path: string) => t.broker.engine.describe().find((entity) => entity.path === path)?.total;

  it.each(cases)(
    "$mode, batches of $batch, fresh receiver $fresh: all $messages arrive once",
    async (c) => {
      const topic = topicOf(c);
      const client = t.client();
      const sender = client.createSender(topic);
      const ids = Array.from({ length: c.messages }, (_, i) => `m${i}`);
      let sent = false;
      // The burst is still arriving while the receiver starts asking.
      const sending = (async () => {
        for (let i = 0; i < ids.length; i += 8) {
          await sender.sendMessages(ids.slice(i, i + 8).map((messageId) => ({ messageId, body: messageId })));
        }
        sent = true;
      })();
      let receiver: ServiceBusReceiver = client.createReceiver(topic, "sub", { receiveMode: c.mode });
      const seen = new Set<string>();
      let received = 0;
      let emptyAfterSent = 0;
      while (seen.size < c.messages && emptyAfterSent < 2) {
        if (c.fresh) receiver = client.createReceiver(topic, "sub", { receiveMode: c.mode });
        const got: ServiceBusReceivedMessage[] = await receiver.receiveMessages(c.batch, {
          maxWaitTimeInMs: 500,
        });
        expect(got.length).toBeLessThanOrEqual(c.batch);
        received += got.length;
        for (const message of got) {
          seen.add(String(message.messageId));
          if (c.mode === "peekLock") await receiver.completeMessage(message);
        }
        if (c.fresh) await receiver.close();
        emptyAfterSent = got.length === 0 && sent ? emptyAfterSent + 1 : 0;
      }
      await sending;
      expect(seen.size).toBe(c.messages);
      expect(received).toBe(c.messages);
      // Nothing is left behind locked, or waiting to be received again.
      expect(left(`${topic}/Subscriptions/sub`)).toBe(0);
      await receiver.close();
    },
    60_000,
  );

  it("sends only within the credit granted, and answers every drain, even one its messages used up", async () => {
    await t
      .client()
      .createSender("wire")
      .sendMessages(Array.from({ length: 20 }, (_, i) => ({ body: i })));
    const client = await rheaClient(t.broker.port, plainLogin(t.broker.connectionString));
    try {
      // As the SDK's receiveAndDelete receiver: the broker settles each message as it sends it.
      const link = client.connection.open_receiver({
        source: "wire",
        credit_window: 0,
        autoaccept: false,
        snd_settle_mode: 1,
      });
      let arrived = 0;
      let drained = 0;
      link.on("message", () => arrived++);
      link.on("receiver_drained", () => drained++);
      link.add_credit(5);
      await until(() => arrived === 5);
      await sleep(200);
      expect(arrived).toBe(5);
      expect(left("wire")).toBe(15);
      // Exactly the 15 that are there: the credit goes on messages, none is left to give back.
      link.add_credit(15);
      link.drain_credit();
      await until(() => drained === 1);
      expect(arrived).toBe(20);
      expect(link.credit).toBe(0);
      // More than there is: what is there, then the rest of the credit back.
      await t
        .client()
        .createSender("wire")
        .sendMessages([{ body: "a" }, { body: "b" }]);
      link.drain = false;
      link.add_credit(10);
      link.drain_credit();
      await until(() => drained === 2);
      expect(arrived).toBe(22);
      expect(link.credit).toBe(0);
      // After a drain nothing is sent until the client grants credit again.
      await t.client().createSender("wire").sendMessages({ body: "later" });
      await sleep(200);
      expect(arrived).toBe(22);
      expect(left("wire")).toBe(1);
    } finally {
      client.close();
    }
  });

  it("answers a client that attaches and drains at once: attach first, then the messages, then drained", async () => {
    await t
      .client()
      .createSender("eager")
      .sendMessages([{ body: "x" }, { body: "y" }]);
    const client = await rheaClient(t.broker.port, plainLogin(t.broker.connectionString));
    try {
      for (const expected of [2, 0]) {
        const link = client.connection.open_receiver({
          source: "eager",
          credit_window: 0,
          snd_settle_mode: 1,
        });
        let arrived = 0;
        let drained = false;
        link.on("message", () => arrived++);
        link.on("receiver_drained", () => {
          drained = true;
        });
        link.add_credit(5);
        link.drain_credit();
        await until(() => drained);
        // The two messages that wait, then (on a second link) none, and each time the answer to the drain.
        expect(arrived).toBe(expected);
        link.close();
      }
    } finally {
      client.close();
    }
  });
});
