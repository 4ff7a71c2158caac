// The broker checks keys as Service Bus does: tokens on $cbs and SASL PLAIN logins against its authorization
// rules, Send/Listen/Manage per link and operation, refusals in Service Bus's words.
import { ServiceBusClient } from "@azure/service-bus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSharedAccessSignature } from "../src/auth/shared-access-signature.ts";
import { startBroker } from "../src/broker.ts";
import { parseConfig } from "../src/config/load-config.ts";
import { configJson, keyOf, plainLogin, startTestBroker, type TestBroker, tokenFor } from "./harness.ts";
import { rheaClient } from "./rhea-client.ts";

const KEY = (letter: string) => letter.repeat(44);
const rules = [
  { name: "RootManageSharedAccessKey", key: KEY("r"), rights: ["Manage"] as const },
  { name: "reader", key: KEY("l"), rights: ["Listen"] as const },
  { name: "telemetry-send", key: KEY("s"), rights: ["Send"] as const, entity: "telemetry" },
];
const NO_RETRY = { retryOptions: { maxRetries: 0, timeoutInMs: 10_000 } };
const withoutEntityPath = (connectionString: string) => connectionString.replace(/EntityPath=[^;]*;/, "");

describe("the broker authenticates every link", () => {
  let t: TestBroker;
  const clients: ServiceBusClient[] = [];
  const client = (connectionString: string) => {
    const created = new ServiceBusClient(connectionString, NO_RETRY);
    clients.push(created);
    return created;
  };
  beforeAll(async () => {
    t = await startTestBroker(
      {
        queues: [{ Name: "work" }],
        topics: [
          { Name: "telemetry", Subscriptions: [{ Name: "watch" }] },
          { Name: "orders", Subscriptions: [{ Name: "all" }] },
        ],
      },
      { rules },
    );
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await t.stop();
  });

  it("hands out connection strings with the real key, an entity rule's with its EntityPath", () => {
    expect(keyOf(t.broker.connectionString)).toEqual({ name: "RootManageSharedAccessKey", key: KEY("r") });
    expect(t.broker.connectionStringFor("telemetry-send")).toBe(
      `Endpoint=sb://localhost:${t.broker.port};SharedAccessKeyName=telemetry-send;SharedAccessKey=${KEY("s")};EntityPath=telemetry;UseDevelopmentEmulator=true;`,
    );
    expect(() => t.broker.connectionStringFor("nobody")).toThrow(/no authorization rule named "nobody"/);
  });

  it("refuses a wrong key with 401 InvalidSignature, as Service Bus does", async () => {
    const wrong = t.broker.connectionString.replace(KEY("r"), KEY("x"));
    await expect(client(wrong).createSender("work").sendMessages({ body: 1 })).rejects.toThrow(
      /InvalidSignature: The token has an invalid signature/,
    );
  });

  it("gives a send-only entity credential its topic and nothing else", async () => {
    const sendOnly = t.broker.connectionStringFor("telemetry-send");
    await client(sendOnly).createSender("telemetry").sendMessages({ body: "allowed" });
    const [copy] = await client(t.broker.connectionString)
      .createReceiver("telemetry", "watch", { receiveMode: "receiveAndDelete" })
      .receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(copy?.body).toBe("allowed");
    // The same key without EntityPath, so the SDK lets it try elsewhere: the broker refuses it.
    const elsewhere = client(withoutEntityPath(sendOnly));
    await expect(elsewhere.createSender("orders").sendMessages({ body: "no" })).rejects.toThrow(
      /InvalidAudience/,
    );
    await expect(elsewhere.createSender("work").sendMessages({ body: "no" })).rejects.toThrow(
      /InvalidAudience/,
    );
    await expect(
      elsewhere.createReceiver("telemetry", "watch").receiveMessages(1, { maxWaitTimeInMs: 2000 }),
    ).rejects.toThrow(/'Listen' claim\(s\) are required/);
    expect(
      await client(t.broker.connectionString).createReceiver("orders", "all").peekMessages(5),
    ).toHaveLength(0);
  });

  it("lets a Listen rule receive and peek but not send or change rules (Manage)", async () => {
    const reader = client(t.broker.connectionStringFor("reader"));
    await expect(reader.createSender("work").sendMessages({ body: "no" })).rejects.toThrow(
      /'Send' claim\(s\) are required to perform this operation\. Resource: 'sb:\/\/localhost\/work'/,
    );
    await client(t.broker.connectionString).createSender("work").sendMessages({ body: "for the reader" });
    const receiver = reader.createReceiver("work");
    expect((await receiver.peekMessages(1))[0]?.body).toBe("for the reader");
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    await receiver.completeMessage(message!);
    await expect(
      reader.createRuleManager("orders", "all").createRule("mine", { sqlExpression: "1=1" }),
    ).rejects.toThrow(/'Manage' claim\(s\) are required/);
    const root = client(t.broker.connectionString).createRuleManager("orders", "all");
    await root.createRule("mine", { sqlExpression: "1=1" });
    await root.deleteRule("mine");
  });

  it("answers bad tokens on $cbs with 401 and Service Bus's reasons, and refuses links without one", async () => {
    const bare = await rheaClient(t.broker.port, { mechanism: "ANONYMOUS" });
    try {
      const audience = "sb://localhost/work";
      const { name, key } = keyOf(t.broker.connectionString);
      const now = Math.floor(Date.now() / 1000);
      expect(
        await bare.putToken(createSharedAccessSignature(name, key, audience, now - 10), audience),
      ).toMatchObject({
        status: 401,
        description: expect.stringMatching(/^ExpiredToken: The token is expired\. Expiration time: '\d{4}-/),
      });
      expect(
        await bare.putToken(createSharedAccessSignature("nobody", key, audience, now + 60), audience),
      ).toEqual({
        status: 401,
        description: "InvalidSignature: The token has an invalid signature.",
      });
      // Signed for one entity, presented for another; and a name that merely starts like the signed one.
      const forOrders = createSharedAccessSignature(name, key, "sb://localhost/orders", now + 60);
      expect((await bare.putToken(forOrders, audience)).description).toMatch(/^InvalidAudience/);
      const forWork = createSharedAccessSignature(name, key, "sb://localhost/wor", now + 60);
      expect((await bare.putToken(forWork, audience)).status).toBe(401);
      expect((await bare.putToken("Bearer eyJ0eXAiOiJKV1QifQ", audience)).description).toMatch(
        /^InvalidToken/,
      );
      await expect(bare.send("work", { body: "no token" })).rejects.toThrow(/'Send' claim\(s\) are required/);
    } finally {
      bare.close();
    }
  });

  it("refuses SASL PLAIN with a wrong key, and lets the right one in", async () => {
    await expect(
      rheaClient(t.broker.port, { username: "RootManageSharedAccessKey", password: KEY("x") }),
    ).rejects.toThrow();
    const right = await rheaClient(t.broker.port, plainLogin(t.broker.connectionString));
    try {
      await right.send("work", { body: "plain", message_id: "plain" });
      expect((await right.receiveOne("work")).body).toBe("plain");
    } finally {
      right.close();
    }
  });

  it("detaches a link whose token expires unrenewed (amqp:unauthorized-access), and keeps one whose token is renewed", async () => {
    const audience = "sb://localhost/work";
    const { name, key } = keyOf(t.broker.connectionString);
    const shortToken = () =>
      createSharedAccessSignature(name, key, audience, Math.floor(Date.now() / 1000) + 2);
    const lapsing = await rheaClient(t.broker.port, { mechanism: "ANONYMOUS" });
    const renewing = await rheaClient(t.broker.port, { mechanism: "ANONYMOUS" });
    try {
      expect((await lapsing.putToken(shortToken(), audience)).status).toBe(202);
      expect((await renewing.putToken(shortToken(), audience)).status).toBe(202);
      const lapsed = lapsing.detachedReceiver("work");
      const kept = renewing.detachedReceiver("work");
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect((await renewing.putToken(tokenFor(t.broker.connectionString, audience), audience)).status).toBe(
        202,
      );
      expect(await lapsed.detached).toMatchObject({
        condition: "amqp:unauthorized-access",
        description: expect.stringMatching(/^ExpiredToken: /),
      });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(kept.isOpen()).toBe(true);
    } finally {
      lapsing.close();
      renewing.close();
    }
  });
});

describe("the broker's keys by default", () => {
  it("generates a RootManageSharedAccessKey per start when in memory", async () => {
    const topology = parseConfig(configJson({ queues: [{ Name: "q" }] }));
    const first = await startBroker({ topology, port: 0 });
    const second = await startBroker({ topology, port: 0 });
    try {
      expect(keyOf(first.connectionString).name).toBe("RootManageSharedAccessKey");
      expect(keyOf(first.connectionString).key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(keyOf(first.connectionString).key).not.toBe(keyOf(second.connectionString).key);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it("refuses to listen beyond loopback unless told it is exposed", async () => {
    const topology = parseConfig(configJson({ queues: [{ Name: "q" }] }));
    await expect(startBroker({ topology, port: 0, host: "0.0.0.0" })).rejects.toThrow(
      /refusing to listen on 0\.0\.0\.0: it is not a loopback address.*exposed: true \(haymaker-broker --expose\)/,
    );
  });
});
