// projector as one job execution (--until-idle): handles what is queued on all its subscriptions, exits 0
// once idle, and leaves nothing on them, locked or not.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EventPublisher } from "@haymaker/bus";
import { subscriptionsOf } from "@haymaker/contracts";
import { SqliteProjectionStore } from "@haymaker/projections";
import { runStory } from "@haymaker/projections/testing";
import { type HayMakerBus, spawnService, startHayMakerBus } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../bin/haymaker-projector.js", import.meta.url));
const RUN = "run-projector-job";

/**
 * Messages on the projector's subscriptions not yet completed (peek sees locked ones too). Called once per
 * client: the SDK keeps one peek cursor per entity, so a second call would start after the first's.
 */
async function pendingMessages(bus: HayMakerBus): Promise<number> {
  let pending = 0;
  for (const subscription of subscriptionsOf("projector")) {
    const receiver = bus.client.createReceiver(subscription.topic, subscription.name);
    pending += (await receiver.peekMessages(10)).length;
    await receiver.close();
  }
  return pending;
}

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} not within ${ms} ms`)), ms)),
  ]);

describe("the projector as a job execution", () => {
  let bus: HayMakerBus;
  let dataDirectory: string;
  beforeAll(async () => {
    bus = await startHayMakerBus();
    dataDirectory = await mkdtemp(join(tmpdir(), "haymaker-projector-job-"));
  });
  afterAll(async () => {
    await bus.stop();
    await rm(dataDirectory, { recursive: true, force: true });
  });

  it("projects what is queued, exits 0 after the idle window and leaves nothing locked", async () => {
    const story = runStory({
      runId: RUN,
      requestedAt: "2026-11-24T06:00:00Z",
      agents: [{ scenarioId: "storage-blob-lifecycle" }],
    });
    const publisher = new EventPublisher(bus.client);
    await publisher.publishAll(story);
    await publisher.close();
    const service = spawnService(BIN, ["--until-idle", "PT1S"], {
      HAYMAKER_SERVICEBUS_CONNECTION_STRING: bus.broker.connectionString,
      HAYMAKER_DATA_DIR: dataDirectory,
      HAYMAKER_LOG_LEVEL: "info",
    });
    try {
      const code = await within(service.exited, 60_000, "the job's exit");
      expect(code, service.output()).toBe(0);
    } finally {
      service.child.kill("SIGKILL");
    }
    expect(service.output()).toContain('"mode":"job"');
    expect(service.output()).toContain("projector stopped");
    expect(await pendingMessages(bus)).toBe(0);
    const store = SqliteProjectionStore.open(dataDirectory);
    try {
      expect((await store.getExecution(RUN))?.execution.status).toBe("completed");
    } finally {
      await store.close();
    }
  });

  it("refuses a bad HAYMAKER_UNTIL_IDLE with exit 2, naming the variable", async () => {
    const service = spawnService(BIN, [], {
      HAYMAKER_SERVICEBUS_CONNECTION_STRING: bus.broker.connectionString,
      HAYMAKER_DATA_DIR: dataDirectory,
      HAYMAKER_UNTIL_IDLE: "ten seconds",
    });
    try {
      expect(await within(service.exited, 30_000, "the refusal")).toBe(2);
    } finally {
      service.child.kill("SIGKILL");
    }
    expect(service.output()).toContain("HAYMAKER_UNTIL_IDLE: must be a positive ISO 8601 duration");
    expect(service.output()).not.toMatch(/\n\s+at /);
  });
});
