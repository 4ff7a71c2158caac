// Clients that vanish: a dropped connection must not leave its receivers behind, and what they held under
// lock comes back when the locks expire.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plainLogin, sleep, startTestBroker, type TestBroker } from "./harness.ts";
import { rheaClient } from "./rhea-client.ts";

describe("connections that drop", () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker({ queues: [{ Name: "held", Properties: { LockDuration: "PT1S" } }] });
  });
  afterAll(() => t.stop());

  const consumers = () => t.broker.engine.describe().find((entity) => entity.path === "held")?.consumers;

  it("forgets the receivers of a client whose socket dies, and redelivers what it held", async () => {
    await t.client().createSender("held").sendMessages({ body: "orphan" });
    const client = await rheaClient(t.broker.port, plainLogin(t.broker.connectionString));
    const held = await new Promise<unknown>((resolve) => {
      const receiver = client.connection.open_receiver({
        source: "held",
        autoaccept: false,
        credit_window: 0,
      });
      receiver.add_credit(1);
      // The SDK sent the body as a data section of JSON.
      receiver.once("message", (context: { message: { body: { content: Buffer } } }) =>
        resolve(JSON.parse(context.message.body.content.toString())),
      );
    });
    expect(held).toBe("orphan");
    expect(consumers()).toBe(1);
    client.connection.socket.destroy();
    await sleep(200);
    expect(consumers()).toBe(0);
    await sleep(1000);
    const [again] = await t.client().createReceiver("held").receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(again?.body).toBe("orphan");
    expect(again?.deliveryCount).toBe(1);
  });
});
