// What the other official Service Bus SDKs do differently from the JavaScript one, reproduced on the wire:
// .NET authenticates with SASL MSSBCBS, older and Qpid-based clients with PLAIN, some skip SASL; Java, Go and
// .NET address replies by the reply link's target address, Python by a fixed address per node.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBroker, type TestBroker } from "./harness.ts";
import { rheaClient } from "./rhea-client.ts";

describe("the broker serves the other SDKs' ways of connecting", () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker({ queues: [{ Name: "interop" }] });
  });
  afterAll(() => t.stop());

  for (const [label, options] of [
    ["SASL MSSBCBS (.NET)", { mechanism: "MSSBCBS" }],
    [
      "SASL PLAIN with the key name and key",
      { username: "RootManageSharedAccessKey", password: "SAS_KEY_VALUE" },
    ],
    ["SASL ANONYMOUS", { mechanism: "ANONYMOUS" }],
    ["no SASL layer at all", { noSasl: true }],
  ] as const) {
    it(`accepts ${label} and carries messages`, async () => {
      const client = await rheaClient(t.broker.port, options);
      try {
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
          body: "SharedAccessSignature sr=x&sig=y&se=1&skn=k",
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
