// select as a process: consumes run.validated from its subscription and publishes the agents, through the
// embedded broker with HayMaker's topology.
import { fileURLToPath } from "node:url";
import type { ServiceBusClient } from "@azure/service-bus";
import { EventPublisher } from "@haymaker/bus";
import { decodeEvent, newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA } from "@haymaker/contracts";
import { type HayMakerBus, spawnService, startHayMakerBus } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../bin/haymaker-select.js", import.meta.url));
const SCENARIOS = fileURLToPath(new URL("../../../scenarios", import.meta.url));

describe("the select service", () => {
  let bus: HayMakerBus;
  let client: ServiceBusClient;
  beforeAll(async () => {
    bus = await startHayMakerBus();
    client = bus.client;
  });
  afterAll(() => bus.stop());

  it("turns a validated run into one agent.selected per agent, and dead-letters an unknown scenario", async () => {
    const service = spawnService(BIN, [], {
      HAYMAKER_SERVICEBUS_CONNECTION_STRING: bus.broker.connectionString,
      HAYMAKER_SCENARIOS_DIR: SCENARIOS,
      HAYMAKER_LOG_LEVEL: "warn",
    });
    try {
      const publisher = new EventPublisher(client);
      const base = EXAMPLE_DATA["run.validated"];
      const good = newEvent("run.validated", {
        source: "/haymaker/validate",
        data: { ...base, runId: "run-select-good", size: "small" },
      });
      const { size: _size, ...named } = base;
      const bad = newEvent("run.validated", {
        source: "/haymaker/validate",
        data: { ...named, runId: "run-select-bad", scenarios: ["vm-ghost"] },
      });
      await publisher.publishAll([good, bad]);
      await publisher.close();

      const receiver = client.createReceiver("agent-selected", "provision", {
        receiveMode: "receiveAndDelete",
      });
      const selected: Array<EventOf<"agent.selected">> = [];
      for (let i = 0; i < 40 && selected.length < 5; i++) {
        for (const message of await receiver.receiveMessages(10, { maxWaitTimeInMs: 500 }))
          selected.push(decodeEvent(message) as EventOf<"agent.selected">);
      }
      expect(selected.map((e) => e.data.agentId).sort()).toEqual(["a01", "a02", "a03", "a04", "a05"]);
      expect(selected.every((e) => e.data.runId === "run-select-good" && e.causationid === good.id)).toBe(
        true,
      );

      const deadLetters = client.createReceiver("run-validated", "select", { subQueueType: "deadLetter" });
      const [dead] = await deadLetters.receiveMessages(1, { maxWaitTimeInMs: 5000 });
      expect(dead?.messageId).toBe(bad.id);
      expect(dead?.deadLetterReason).toBe("UnknownScenario");
      expect(dead?.deadLetterErrorDescription).toBe(
        "UnprocessableEventError: scenario 'vm-ghost' not in the catalogue",
      );
    } finally {
      service.child.kill("SIGTERM");
      expect(await service.exited).toBe(0);
    }
    expect(service.output()).not.toMatch(/\n\s+at /);
  });
});
