// The broker driven by Microsoft's Python Service Bus SDK (azure-servicebus on uamqp, Debian's python3-azure),
// an official SDK built on another AMQP stack (Azure's uamqp-c) than the JavaScript one: over AMQP with TLS
// and over WebSockets with TLS, authenticated by the broker's real key. Without the SDK installed the test
// fails, saying how to install it (.ci/run does), rather than pass unseen.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBroker, type TestBroker } from "./harness.ts";

const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./interop/servicebus_client.py", import.meta.url));

function requirePythonSdk(): void {
  try {
    execFileSync(PYTHON, ["-c", "import azure.servicebus, uamqp"], { stdio: "ignore" });
  } catch {
    throw new Error(
      "the Python Service Bus SDK is missing: install it (apt-get install python3-azure, which brings azure-servicebus and uamqp) to run this test",
    );
  }
}

function runPythonSdk(transport: string, certFile: string, connectionString: string) {
  return new Promise<Record<string, unknown>>((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT, transport, certFile], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, HAYMAKER_CONNECTION_STRING: connectionString },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (err += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 50_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}"));
      else reject(new Error(`the Python SDK client exited ${code}: ${err.slice(-3000)}`));
    });
  });
}

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
      requirePythonSdk();
      const seen = await runPythonSdk(transport, certFile, t.broker.connectionString);
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
