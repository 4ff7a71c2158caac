// The replay benchmark's breakdown is only as good as its accounting: overlapping calls count once, first
// calls and empty receives stand apart, and what each call carried is counted.
import type { ServiceBusClient } from "@azure/service-bus";
import { describe, expect, it } from "vitest";
import { SdkTimings, timedClient } from "./sdk-timings.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A client whose receivers hand out the batches given, one per call, and whose settlements take `ms`. */
function fakeClient(batches: number[][], ms: number): ServiceBusClient {
  const receiver = {
    receiveMessages: async () => {
      await sleep(ms);
      return batches.shift() ?? [];
    },
    completeMessage: () => sleep(ms),
    close: async () => {},
  };
  const sender = {
    sendMessages: async (_messages: unknown) => sleep(ms),
  };
  return {
    createReceiver: () => receiver,
    createSender: () => sender,
  } as unknown as ServiceBusClient;
}

describe("SDK timings", () => {
  it("counts overlapping calls of one kind once, by the wall time they cover", async () => {
    const timings = new SdkTimings();
    const receiver = timedClient(fakeClient([], 40), timings).createReceiver("t", "s");
    await receiver.completeMessage({} as never);
    const started = performance.now();
    await Promise.all(Array.from({ length: 20 }, () => receiver.completeMessage({} as never)));
    const elapsed = performance.now() - started;
    const completes = timings.figures()["receiver completeMessage"];
    expect(completes?.calls).toBe(20);
    // Twenty 40 ms calls at once cover about 40 ms, not 800.
    expect(completes?.wallMs).toBeGreaterThanOrEqual(39);
    expect(completes?.wallMs).toBeLessThanOrEqual(elapsed + 1);
    expect(timings.figures()["receiver completeMessage, first on its link"]?.calls).toBe(1);
  });

  it("keeps first calls and empty receives apart and counts what each call carried", async () => {
    const timings = new SdkTimings();
    const client = timedClient(fakeClient([[1, 2, 3], [4, 5], [6]], 1), timings);
    const receiver = client.createReceiver("t", "s");
    const sender = client.createSender("t");
    for (let batch = await receiver.receiveMessages(3); batch.length > 0; ) {
      await sender.sendMessages(batch as never);
      batch = await receiver.receiveMessages(3);
    }
    const figures = timings.figures();
    expect(figures["receiver receiveMessages, first on its link"]?.messages?.total).toBe(3);
    expect(figures["receiver receiveMessages"]?.messages).toEqual({ total: 3, min: 1, mean: 1.5, max: 2 });
    expect(figures["receiver receiveMessages, came back empty"]?.calls).toBe(1);
    expect(figures["sender sendMessages"]?.messages?.total).toBe(3);
    expect(timings.links).toBe(2);
    expect(timings.wallMsOfAll()).toBeGreaterThan(0);
  });
});
