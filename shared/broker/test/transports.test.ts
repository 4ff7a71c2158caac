// The other ways clients reach Service Bus: AMQP over WebSockets (what the SDK's webSocketOptions use, as
// Azure serves on 443) and AMQP over TLS, all on the broker's one port.
import { ServiceBusClient } from "@azure/service-bus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { plainLogin, startTestBroker, type TestBroker } from "./harness.ts";
import { rheaClient } from "./rhea-client.ts";

describe("transports on the broker's port", () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker({ queues: [{ Name: "ws" }, { Name: "tls" }] });
  });
  afterAll(() => t.stop());

  it("serves the SDK over WebSockets (wss, /$servicebus/websocket, AMQPWSB10) with the broker's certificate trusted", async () => {
    const client = new ServiceBusClient(t.broker.connectionString, {
      webSocketOptions: { webSocket: WebSocket, webSocketConstructorOptions: { ca: t.broker.certificate } },
    });
    try {
      await client.createSender("ws").sendMessages({ body: "over websockets" });
      const receiver = client.createReceiver("ws");
      const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
      expect(m?.body).toBe("over websockets");
      await receiver.completeMessage(m!);
    } finally {
      await client.close();
    }
  });

  it("serves plain (unencrypted) WebSocket clients too, and refuses other paths", async () => {
    const ok = new WebSocket(`ws://127.0.0.1:${t.broker.port}/$servicebus/websocket`, "AMQPWSB10");
    await new Promise((resolve, reject) => {
      ok.once("open", resolve);
      ok.once("error", reject);
    });
    expect(ok.protocol).toBe("AMQPWSB10");
    ok.close();
    const wrong = new WebSocket(`ws://127.0.0.1:${t.broker.port}/elsewhere`, "AMQPWSB10");
    const error = await new Promise<Error>((resolve) => wrong.once("error", resolve));
    expect(error.message).toMatch(/404/);
  });

  it("accepts the path with a trailing slash, as Python's uamqp asks for it", async () => {
    const slash = new WebSocket(`ws://127.0.0.1:${t.broker.port}/$servicebus/websocket/`, "AMQPWSB10");
    await new Promise((resolve, reject) => {
      slash.once("open", resolve);
      slash.once("error", reject);
    });
    slash.close();
  });

  it("refuses a WebSocket upgrade that carries a browser's Origin header with 403", async () => {
    const fromPage = new WebSocket(`ws://127.0.0.1:${t.broker.port}/$servicebus/websocket`, "AMQPWSB10", {
      origin: "https://attacker.example",
    });
    const error = await new Promise<Error>((resolve) => fromPage.once("error", resolve));
    expect(error.message).toMatch(/403/);
  });

  it("serves AMQP over TLS (amqps) on the same port", async () => {
    const client = await rheaClient(t.broker.port, {
      transport: "tls",
      ca: t.broker.certificate,
      servername: "localhost",
      ...plainLogin(t.broker.connectionString),
    });
    try {
      await client.send("tls", { body: "over tls", message_id: "t-1" });
      const received = await client.receiveOne("tls");
      expect(received.body).toBe("over tls");
    } finally {
      client.close();
    }
  });
});
