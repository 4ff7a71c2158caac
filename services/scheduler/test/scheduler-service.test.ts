// The scheduler as a process on the embedded broker: --once requests one run now; as a daemon it requests
// one at each scheduled time.
import { fileURLToPath } from "node:url";
import type { ServiceBusClient } from "@azure/service-bus";
import { decodeEvent } from "@haymaker/cloudevents";
import type { EventOf } from "@haymaker/contracts";
import { type HayMakerBus, spawnService, startHayMakerBus } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../bin/haymaker-scheduler.js", import.meta.url));

describe("the scheduler service", () => {
  let bus: HayMakerBus;
  let client: ServiceBusClient;
  beforeAll(async () => {
    bus = await startHayMakerBus();
    client = bus.client;
  });
  afterAll(() => bus.stop());

  const run = (args: string[], env: Record<string, string>) =>
    spawnService(BIN, args, {
      HAYMAKER_SERVICEBUS_CONNECTION_STRING: bus.broker.connectionString,
      HAYMAKER_LOG_LEVEL: "warn",
      ...env,
    });

  async function requested(max: number, waitMs: number): Promise<Array<EventOf<"run.requested">>> {
    const receiver = client.createReceiver("run-requested", "validate", { receiveMode: "receiveAndDelete" });
    const events = (await receiver.receiveMessages(max, { maxWaitTimeInMs: waitMs })).map(
      (m) => decodeEvent(m) as EventOf<"run.requested">,
    );
    await receiver.close();
    return events;
  }

  it("with --once, requests the run of the scheduled time it serves and exits 0; a retry requests the same run", async () => {
    const once = async () => {
      const scheduler = run(["--once"], {
        HAYMAKER_SCHEDULE: "0 * * * *",
        HAYMAKER_RUN_SIZE: "large",
        HAYMAKER_RUN_DURATION: "PT20S",
      });
      expect(await scheduler.exited, scheduler.output()).toBe(0);
    };
    // Two executions within one hourly slot (the second a retry), however slowly each starts: unless the
    // hour is about to turn, when the test waits for the next one.
    const HOUR = 3_600_000;
    const offset = Date.now() % HOUR;
    if (offset > HOUR - 120_000) await new Promise((resolve) => setTimeout(resolve, HOUR - offset + 100));
    const started = Date.now();
    await once();
    await once();
    const events = await requested(5, 3000);
    expect(events).toHaveLength(2);
    const [first, retry] = events;
    expect(first?.data).toMatchObject({ requestedBy: "scheduler", size: "large", duration: "PT20S" });
    // Named after the slot, not the start.
    expect(first?.data.requestedAt).toBe(new Date(started - (started % HOUR)).toISOString());
    expect(retry?.data.runId).toBe(first?.data.runId);
    expect(retry?.id).toBe(first?.id);
  }, 180_000);

  it("as a daemon, requests a run at each scheduled time and stops cleanly", async () => {
    const scheduler = run([], { HAYMAKER_SCHEDULE: "*/2 * * * * *" });
    try {
      const events: Array<EventOf<"run.requested">> = [];
      for (let i = 0; i < 10 && events.length < 2; i++) events.push(...(await requested(5, 1000)));
      expect(events.length).toBeGreaterThanOrEqual(2);
      const seconds = events.map((e) => new Date(e.data.requestedAt).getUTCSeconds());
      expect(seconds.every((s) => s % 2 === 0)).toBe(true);
      expect(new Set(events.map((e) => e.data.runId)).size).toBe(events.length);
    } finally {
      scheduler.child.kill("SIGTERM");
      expect(await scheduler.exited).toBe(0);
    }
    expect(scheduler.output()).not.toMatch(/\n\s+at /);
  });

  it("refuses a bad schedule, naming the variable", async () => {
    const scheduler = run([], { HAYMAKER_SCHEDULE: "whenever" });
    expect(await scheduler.exited).toBe(2);
    expect(scheduler.output()).toContain("HAYMAKER_SCHEDULE: must be a cron expression");
  });
});
