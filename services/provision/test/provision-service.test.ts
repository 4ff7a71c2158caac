// provision as a process on the embedded broker: it consumes agent.selected from its subscription and
// dead-letters what no retry can fix; a bad setting stops it at start, naming every variable at fault.
// (Provisioning against the cloud itself is covered by the handler tests; the sandbox cloud has no Graph
// surface yet to run it end to end.)
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EventPublisher } from "@haymaker/bus";
import { newEvent } from "@haymaker/cloudevents";
import { EXAMPLE_DATA } from "@haymaker/contracts";
import { type HayMakerBus, spawnService, startHayMakerBus } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../bin/haymaker-provision.js", import.meta.url));
const SCENARIOS = fileURLToPath(new URL("../../../scenarios", import.meta.url));

// A cloud the service can be configured for; the tests below never reach it.
const CLOUD = {
  HAYMAKER_TENANT_ID: randomUUID(),
  HAYMAKER_SUBSCRIPTION_ID: randomUUID(),
  HAYMAKER_ARM_ENDPOINT: "http://127.0.0.1:9",
  HAYMAKER_CLIENT_ID: randomUUID(),
  HAYMAKER_CLIENT_SECRET: "orchestrator-test-secret",
};

describe("the provision service", () => {
  let bus: HayMakerBus;
  beforeAll(async () => {
    bus = await startHayMakerBus();
  });
  afterAll(() => bus.stop());

  it("dead-letters an agent whose scenario is not in the catalogue, as UnknownScenario", async () => {
    const service = spawnService(BIN, [], {
      ...CLOUD,
      HAYMAKER_SERVICEBUS_CONNECTION_STRING: bus.broker.connectionString,
      HAYMAKER_SCENARIOS_DIR: SCENARIOS,
      HAYMAKER_DATA_DIR: join(tmpdir(), `haymaker-provision-${randomUUID()}`),
      HAYMAKER_LOG_LEVEL: "warn",
    });
    try {
      const publisher = new EventPublisher(bus.client);
      const ghost = newEvent("agent.selected", {
        source: "/haymaker/select",
        data: { ...EXAMPLE_DATA["agent.selected"], runId: "run-provision-ghost", scenarioId: "vm-ghost" },
      });
      await publisher.publish(ghost);
      await publisher.close();

      const deadLetters = bus.client.createReceiver("agent-selected", "provision", {
        subQueueType: "deadLetter",
      });
      const [dead] = await deadLetters.receiveMessages(1, { maxWaitTimeInMs: 10_000 });
      await deadLetters.close();
      expect(dead?.messageId).toBe(ghost.id);
      expect(dead?.deadLetterReason).toBe("UnknownScenario");
      expect(dead?.deadLetterErrorDescription).toBe(
        "UnprocessableEventError: scenario 'vm-ghost' not in the catalogue",
      );
    } finally {
      service.child.kill("SIGTERM");
      expect(await service.exited).toBe(0);
    }
    expect(service.output()).not.toMatch(/\n\s+at /);
    expect(service.output()).not.toContain(CLOUD.HAYMAKER_CLIENT_SECRET);
  });

  it("refuses to start on bad settings, naming every bad variable and never echoing the secret", async () => {
    const service = spawnService(BIN, [], {
      ...CLOUD,
      HAYMAKER_SERVICEBUS_CONNECTION_STRING: "",
      HAYMAKER_SUBSCRIPTION_ID: "not-a-guid",
      HAYMAKER_PROVISION_CONCURRENCY: "0",
      HAYMAKER_CLIENT_ID: "",
    });
    expect(await service.exited).toBe(2);
    const output = service.output();
    expect(output).toContain("HAYMAKER_PROVISION_CONCURRENCY: must be a whole number from 1 to 999");
    expect(output).toContain("HAYMAKER_SERVICEBUS_CONNECTION_STRING: must start with Endpoint=sb://");
    expect(output).toContain("HAYMAKER_SUBSCRIPTION_ID: must be a GUID");
    expect(output).not.toContain(CLOUD.HAYMAKER_CLIENT_SECRET);
  });
});
