// The broker driven by Microsoft's Python Service Bus SDK (azure-servicebus on uamqp, Debian's python3-azure),
// an official SDK built on another AMQP stack (Azure's uamqp-c) than the JavaScript one: over AMQP with TLS
// and over WebSockets with TLS, authenticated by the broker's real key. Without the SDK installed the test
// fails, saying how to install it (.ci/run does), rather than pass unseen.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBroker, type TestBroker } from "./harness.ts";
import { requirePythonModules, runPythonClient } from "./python-client.ts";

const SCRIPT = fileURLToPath(new URL("./interop/servicebus_client.py", import.meta.url));

describe("Microsoft's Python Service Bus SDK (uamqp)", () => {
  let t: TestBroker;
  let directory: string;
  let certFile: string;
  beforeAll(async () => {
    t = await startTestBroker({
      queues: [{ Name: "py-queue" }],
      topics: [
        {
          Name: "py-topic",
          Subscriptions: [
            {
              Name: "red",
              Rules: [
                {
                  Name: "red",
                  Properties: { FilterType: "Sql", SqlFilter: { SqlExpression: "color = 'red'" } },
                },
              ],
            },
            {
              Name: "urgent",
              Rules: [
                {
                  Name: "urgent",
                  Properties: { FilterType: "Correlation", CorrelationFilter: { Label: "urgent" } },
                },
              ],
            },
            { Name: "all" },
          ],
        },
      ],
    });
    directory = mkdtempSync(join(tmpdir(), "haymaker-python-sdk-"));
    certFile = join(directory, "broker-cert.pem");
    writeFileSync(certFile, t.broker.certificate);
  });
  afterAll(async () => {
    await t.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  for (const transport of ["amqp", "websocket"]) {
    it(`sends, receives, completes, dead-letters, reads the dead-letter queue and follows subscription rules over ${transport === "amqp" ? "AMQP with TLS" : "WebSockets with TLS"}`, {
      timeout: 60_000,
    }, async () => {
      requirePythonModules(
        "azure.servicebus, uamqp",
        "the Python Service Bus SDK is missing: install it (apt-get install python3-azure, which brings azure-servicebus and uamqp) to run this test",
      );
      const seen = await runPythonClient(
        "the Python SDK client",
        SCRIPT,
        [transport, certFile],
        { HAYMAKER_CONNECTION_STRING: t.broker.connectionString },
        50_000,
      );
      const tag = `py-${transport}`;
      expect(seen.sdk).toMatch(/^azure-servicebus 7\./);
      expect(seen.received).toEqual([`${tag}-0`, `${tag}-1`, `${tag}-2`]);
      expect(seen.properties).toEqual([0, 1, 2]);
      expect(seen.delivery_count).toBe(0);
      expect(seen.left_after_complete).toBe(0);
      expect(seen.dead_letters).toEqual([
        { body: `${tag}-1`, reason: "PythonSaidSo", description: "dead-lettered by the Python SDK" },
      ]);
      expect(seen.subscriptions).toEqual({
        red: ["red"],
        urgent: ["urgent"],
        all: ["blue", "red", "urgent"],
      });
      // Nothing was left behind for the JavaScript SDK either.
      expect(await t.client().createReceiver("py-queue").peekMessages(5)).toHaveLength(0);
    });
  }
});
