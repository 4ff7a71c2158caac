// Telemetry through the real publisher and the embedded broker: batching, what an event may carry, and what
// happens at exit when the bus is gone.
import { createBusClient, EventPublisher } from "@haymaker/bus";
import { silentLogger } from "@haymaker/logging";
import { type HayMakerBus, startHayMakerBus } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactorFor } from "./redact.ts";
import { Telemetry } from "./telemetry.ts";
import { TelemetryTap } from "./testing/telemetry-tap.ts";

const SECRET = "agent-secret-d8f7a6s5d4f3g2h1";
const group = "/subscriptions/5f1c3a2e-7b4d-4e8f-9a6b-0c1d2e3f4a5b/resourceGroups/rg-a01";

function telemetryOn(connectionString: string, runId: string, closeBudgetMs?: number) {
  const client = createBusClient(
    { connectionString },
    { retryOptions: { maxRetries: 1, timeoutInMs: 1_000, retryDelayInMs: 100 } },
  );
  const publisher = new EventPublisher(client);
  return new Telemetry({
    sink: {
      publishAll: (events) => publisher.publishAll(events),
      close: async () => {
        await publisher.close();
        await client.close();
      },
    },
    agent: { runId, agentId: "a01", scenarioId: "nsg-rule-tuning" },
    logger: silentLogger,
    redact: redactorFor([SECRET]),
    flushIntervalMs: 60_000,
    closeBudgetMs,
  });
}

describe("agent telemetry", () => {
  let bus: HayMakerBus;
  let tap: TelemetryTap;
  beforeAll(async () => {
    bus = await startHayMakerBus();
    tap = new TelemetryTap(bus);
  });
  afterAll(async () => {
    await tap.close();
    await bus.stop();
  });

  it("publishes everything queued when it closes, in order, as valid agent events", async () => {
    const runId = "run-telemetry-order";
    // The credential deploy hands agents: Send on agent-telemetry only, with EntityPath.
    const telemetry = telemetryOn(bus.agentConnectionString, runId);
    telemetry.progress({ stage: "deploy", step: 1, stepsTotal: 1, message: "Create the group" });
    telemetry.resourceCreated(
      `${group}/providers/Microsoft.Network/networkSecurityGroups/nsg-1`,
      "Microsoft.Network/networkSecurityGroups",
    );
    for (let i = 1; i <= 150; i++) telemetry.log("info", `step ${i}`, { step: i });
    expect(await telemetry.close()).toEqual({ published: 152, lost: 0 });

    await tap.waitFor(runId, (events) => events.length === 152);
    const events = tap.of(runId).map(({ event }) => event);
    expect(events.map((e) => e.type).slice(0, 3)).toEqual([
      "com.haymaker.agent.progress.v1",
      "com.haymaker.agent.resource.created.v1",
      "com.haymaker.agent.log.v1",
    ]);
    expect(tap.typed(runId, "agent.log").map((e) => e.data.fields?.step)).toEqual(
      Array.from({ length: 150 }, (_, i) => i + 1),
    );
    expect(events.every((e) => e.source === "/haymaker/agent" && e.correlationid === runId)).toBe(true);
    expect(new Set(events.map((e) => e.subject))).toEqual(new Set([`runs/${runId}/agents/a01`]));
  });

  it("holds a credential that can send telemetry and nothing else: no other topic, no receiving", async () => {
    // Without EntityPath the SDK lets the client try any entity; the broker refuses each, as Service Bus does.
    const elsewhere = createBusClient(
      { connectionString: bus.agentConnectionString.replace(/EntityPath=[^;]*;/, "") },
      { retryOptions: { maxRetries: 0, timeoutInMs: 5_000 } },
    );
    try {
      await expect(elsewhere.createSender("run-requested").sendMessages({ body: "forged" })).rejects.toThrow(
        /InvalidAudience/,
      );
      await expect(
        elsewhere
          .createReceiver("agent-telemetry", "projector")
          .receiveMessages(1, { maxWaitTimeInMs: 2000 }),
      ).rejects.toThrow(/'Listen' claim\(s\) are required/);
      await expect(elsewhere.createReceiver("agent-telemetry", "projector").peekMessages(1)).rejects.toThrow(
        /'Listen' claim\(s\) are required|unauthorized/i,
      );
    } finally {
      await elsewhere.close();
    }
  });

  it("never lets the secret or a credential-looking text out, and keeps lines within the schema", async () => {
    const runId = "run-telemetry-clean";
    const telemetry = telemetryOn(bus.agentConnectionString, runId);
    telemetry.log("warn", `token request with ${SECRET} failed`, {
      detail: `secret=${SECRET}\nsecond line`,
      "bad key!": "x",
    });
    telemetry.log("error", "connection: Endpoint=sb://x/;SharedAccessKey=abc;AccountKey=abcdef==");
    telemetry.log("info", `line one\u0007\n${"x".repeat(5000)}`);
    await telemetry.close();

    await tap.waitFor(runId, (events) => events.length === 3);
    const [redacted, withheld, long] = tap.typed(runId, "agent.log").map((e) => e.data);
    expect(redacted).toMatchObject({
      level: "warn",
      message: "token request with [redacted] failed",
      fields: { detail: "secret=[redacted] second line" },
    });
    expect(redacted?.fields).not.toHaveProperty("bad key!");
    expect(withheld).toMatchObject({ level: "error", message: "log line withheld: it looked like a secret" });
    expect(long?.message).toHaveLength(4096);
    expect(long?.message.startsWith("line one \n")).toBe(true);
    for (const { raw } of tap.of(runId)) {
      expect(raw).not.toContain(SECRET);
      expect(raw).not.toContain("AccountKey=");
    }
  });

  it("gives up on an unreachable bus within its budget and says how many events were lost", async () => {
    const gone = await startHayMakerBus();
    const deadBus = gone.broker.connectionString;
    await gone.stop();
    const telemetry = telemetryOn(deadBus, "run-telemetry-dead", 3_000);
    telemetry.log("info", "one");
    telemetry.log("info", "two");
    const started = Date.now();
    expect(await telemetry.close()).toEqual({ published: 0, lost: 2 });
    expect(Date.now() - started).toBeLessThan(6_000);
  });
});
