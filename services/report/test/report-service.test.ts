// report as a process, on the embedded broker with HayMaker's topology and the sandbox cloud: a rejected
// run and a run whose agents are all cleaned each end with a report on disk and a run.completed.
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServiceBusClient } from "@azure/service-bus";
import { EventPublisher } from "@haymaker/bus";
import { decodeEvent, newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA } from "@haymaker/contracts";
import { type SandboxCloud, startSandboxCloud } from "@haymaker/sandbox-cloud";
import { type HayMakerBus, spawnService, startHayMakerBus } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../bin/haymaker-report.js", import.meta.url));

describe("the report service", () => {
  let bus: HayMakerBus;
  let client: ServiceBusClient;
  let sandbox: SandboxCloud;
  const clientId = randomUUID();
  const clientSecret = `report-test-${randomUUID()}`;

  beforeAll(async () => {
    bus = await startHayMakerBus();
    client = bus.client;
    sandbox = await startSandboxCloud({ port: 0 });
    sandbox.registerPrincipal({
      clientId,
      secret: clientSecret,
      subscriptionScopes: [`/subscriptions/${sandbox.subscriptionId}`],
    });
  });
  afterAll(async () => {
    await bus.stop();
    await sandbox.close();
  });

  async function completions(count: number): Promise<Array<EventOf<"run.completed">>> {
    // The projector's subscription: report's own output, read without taking it from anyone who needs it.
    const receiver = client.createReceiver("run-completed", "projector", { receiveMode: "receiveAndDelete" });
    const found: Array<EventOf<"run.completed">> = [];
    for (let i = 0; i < 40 && found.length < count; i++) {
      for (const message of await receiver.receiveMessages(10, { maxWaitTimeInMs: 500 }))
        found.push(decodeEvent(message) as EventOf<"run.completed">);
    }
    await receiver.close();
    return found;
  }

  it("reports a rejected run, and a run once all its agents are cleaned, and stops cleanly", async () => {
    const dataDirectory = await mkdtemp(join(tmpdir(), "haymaker-report-service-"));
    const service = spawnService(BIN, [], {
      HAYMAKER_SERVICEBUS_CONNECTION_STRING: bus.broker.connectionString,
      HAYMAKER_DATA_DIR: dataDirectory,
      HAYMAKER_TENANT_ID: sandbox.tenantId,
      HAYMAKER_SUBSCRIPTION_ID: sandbox.subscriptionId,
      HAYMAKER_ARM_ENDPOINT: sandbox.url,
      HAYMAKER_CLIENT_ID: clientId,
      HAYMAKER_CLIENT_SECRET: clientSecret,
      HAYMAKER_LOG_LEVEL: "info",
      // The sandbox logs at once (no realism): nothing to wait for.
      HAYMAKER_ACTIVITY_LOG_SETTLE: "PT0S",
    });
    try {
      const publisher = new EventPublisher(client);
      const rejected = newEvent("run.rejected", {
        source: "/haymaker/validate",
        data: { ...EXAMPLE_DATA["run.rejected"], runId: "run-service-refused" },
      });
      const agents = ["a01", "a02"].map((agentId, index) =>
        newEvent("agent.cleaned", {
          source: "/haymaker/force-cleanup",
          data: {
            ...EXAMPLE_DATA["agent.cleaned"],
            runId: "run-service-done",
            agentId,
            index,
            total: 2,
            outcome: index === 0 ? "completed" : "timed-out",
          },
        }),
      );
      await publisher.publishAll([rejected, ...agents]);
      await publisher.close();

      const completed = await completions(2);
      const byRun = new Map(completed.map((event) => [event.data.runId, event]));
      expect(byRun.get("run-service-refused")?.data.summary).toEqual({
        agents: 0,
        completed: 0,
        failed: 0,
        timedOut: 0,
        cancelled: 0,
        leftovers: 0,
      });
      expect(byRun.get("run-service-done")?.data).toMatchObject({
        report: {
          json: "local:reports/run-service-done/report.json",
          markdown: "local:reports/run-service-done/report.md",
        },
        summary: { agents: 2, completed: 1, timedOut: 1 },
      });

      const report = JSON.parse(
        await readFile(join(dataDirectory, "reports", "run-service-done", "report.json"), "utf8"),
      );
      expect(report.agents.map((agent: { agentId: string }) => agent.agentId)).toEqual(["a01", "a02"]);
      const refused = await readFile(
        join(dataDirectory, "reports", "run-service-refused", "report.md"),
        "utf8",
      );
      expect(refused).toContain("**Status:** rejected");
      expect(refused).toContain("agent image not found in registry");
    } finally {
      service.child.kill("SIGTERM");
      expect(await service.exited).toBe(0);
    }
    expect(service.output()).toContain("report written");
    expect(service.output()).not.toMatch(/\n\s+at /);
    expect(service.output()).not.toContain(clientSecret);
  });

  it("refuses to start on bad settings, naming them", async () => {
    const service = spawnService(BIN, [], {
      HAYMAKER_SERVICEBUS_CONNECTION_STRING: bus.broker.connectionString,
      HAYMAKER_SUBSCRIPTION_ID: "nope",
    });
    expect(await service.exited).toBe(2);
    expect(service.output()).toContain("HAYMAKER_SUBSCRIPTION_ID: must be a GUID");
    expect(service.output()).toContain("HAYMAKER_TENANT_ID: is required");
  });
});
