// What the other official Service Bus SDKs do differently from the JavaScript one, reproduced on the wire:
// .NET authenticates with SASL MSSBCBS, older and Qpid-based clients with PLAIN, some skip SASL; Java, Go and
// .NET address replies by the reply link's target address, Python by a fixed address per node.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plainLogin, startTestBroker, type TestBroker, tokenFor } from "./harness.ts";
import { rheaClient } from "./rhea-client.ts";

describe("the broker serves the other SDKs' ways of connecting", () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker({ queues: [{ Name: "interop" }] });
  });
  afterAll(() => t.stop());

  const audience = "sb://localhost/interop";
  const token = () => tokenFor(t.broker.connectionString, audience);
  for (const [label, options, withToken] of [
    ["SASL MSSBCBS (.NET), then a CBS token", { mechanism: "MSSBCBS" }, true],
    ["SASL ANONYMOUS, then a CBS token", { mechanism: "ANONYMOUS" }, true],
    ["no SASL layer at all, then a CBS token", { noSasl: true }, true],
    ["SASL PLAIN with the rule's name and key, and no token", "plain", false],
  ] as const) {
    it(`accepts ${label} and carries messages`, async () => {
      const client = await rheaClient(
        t.broker.port,
        options === "plain" ? plainLogin(t.broker.connectionString) : options,
      );
      try {
        if (withToken)
          expect(await client.putToken(token(), audience)).toEqual({ status: 202, description: "Accepted" });
        await client.send("interop", { body: label, message_id: label });
        expect((await client.receiveOne("interop")).body).toBe(label);
      } finally {
        client.close();
      }
    });
  }

  it("answers a CBS put-token on the link whose target address is the reply-to (Java, Go, .NET)", async () => {
    const client = await rheaClient(t.broker.port);
    try {
      const response = await client.request(
        "$cbs",
        {
          message_id: "cbs-1",
          application_properties: {
            operation: "put-token",
            type: "servicebus.windows.net:sastoken",
            name: "sb://localhost/interop",
          },
          body: token(),
        },
        {
          linkName: "cbs-receiver-link",
          targetAddress: "$cbs-client-reply-to",
          replyTo: "$cbs-client-reply-to",
        },
      );
      expect(response.correlation_id).toBe("cbs-1");
      expect(response.application_properties["status-code"]).toBe(202);
    } finally {
      client.close();
    }
  });

  it("answers a management request on the node's reply link when reply-to names neither link nor target (Python)", async () => {
    const client = await rheaClient(t.broker.port);
    try {
      await client.putToken(token(), audience);
      await client.send("interop", { body: "peek me", message_id: "pk" });
      const response = await client.request(
        "interop/$management",
        {
          message_id: 7,
          application_properties: { operation: "com.microsoft:peek-message" },
          body: { "from-sequence-number": 0, "message-count": 5 },
        },
        { linkName: "mgmt-link", replyTo: "some-reply-address" },
      );
      expect(response.correlation_id).toBe(7);
      expect(response.application_properties.statusCode).toBe(200);
      expect(response.body.messages).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it("answers an unknown management operation with 501 rather than silence", async () => {
    const client = await rheaClient(t.broker.port);
    try {
      await client.putToken(token(), audience);
      const response = await client.request(
        "interop/$management",
        {
          message_id: "x",
          application_properties: { operation: "com.microsoft:get-message-sessions" },
          body: {},
        },
        { linkName: "mgmt-2", targetAddress: "mgmt-2-reply", replyTo: "mgmt-2-reply" },
      );
      expect(response.application_properties.statusCode).toBe(501);
      expect(response.application_properties.statusDescription).toMatch(/does not implement/);
    } finally {
      client.close();
    }
  });
});
