// The broker as a process: durable across SIGKILL, clean exit on SIGTERM.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ServiceBusClient } from "@azure/service-bus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configJson } from "./harness.ts";
import { spawnBroker } from "./process.ts";

describe("haymaker-broker process", () => {
  let directory: string;
  let config: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "haymaker-durable-"));
    config = join(directory, "Config.json");
    writeFileSync(
      config,
      configJson({
        queues: [{ Name: "jobs", Properties: { LockDuration: "PT1M" } }],
        topics: [{ Name: "events", Subscriptions: [{ Name: "a" }, { Name: "b" }] }],
      }),
    );
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it("loses no acknowledged message to SIGKILL and redelivers the unsettled ones after a restart", async () => {
    const data = join(directory, "data");
    const first = await spawnBroker(["--port", "0", "--config", config, "--data", data]);
    const before = new ServiceBusClient(first.connectionString);
    const jobs = before.createSender("jobs");
    for (let i = 0; i < 10; i++)
      await jobs.sendMessages(Array.from({ length: 50 }, (_, j) => ({ body: i * 50 + j })));
    await before.createSender("events").sendMessages([{ body: "e1" }, { body: "e2" }]);
    // Take some under lock and never settle them: they must come back after the crash.
    const locked = await before.createReceiver("jobs").receiveMessages(20, { maxWaitTimeInMs: 3000 });
    expect(locked.length).toBeGreaterThan(0);
    first.child.kill("SIGKILL");
    await first.exited;
    await before.close().catch(() => {});

    const second = await spawnBroker(["--port", "0", "--config", config, "--data", data]);
    const after = new ServiceBusClient(second.connectionString);
    try {
      const receiver = after.createReceiver("jobs", { receiveMode: "receiveAndDelete" });
      const bodies = new Set<number>();
      for (;;) {
        const got = await receiver.receiveMessages(200, { maxWaitTimeInMs: 1000 });
        if (got.length === 0) break;
        for (const m of got) bodies.add(m.body as number);
      }
      expect(bodies.size).toBe(500);
      for (const name of ["a", "b"]) {
        const events = await after.createReceiver("events", name).peekMessages(10);
        expect(events.map((m) => m.body)).toEqual(["e1", "e2"]);
      }
      // Sequence numbers keep rising after a restart.
      await after.createSender("jobs").sendMessages({ body: "new" });
      const [fresh] = await after.createReceiver("jobs").receiveMessages(1, { maxWaitTimeInMs: 3000 });
      expect(fresh!.sequenceNumber!.toNumber()).toBeGreaterThan(500);
    } finally {
      await after.close();
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    }
  });

  it("keeps nothing with --in-memory and exits 0 on SIGTERM", async () => {
    const broker = await spawnBroker(["--port", "0", "--config", config, "--in-memory"]);
    expect(broker.output()).toContain("in memory");
    const client = new ServiceBusClient(broker.connectionString);
    await client.createSender("jobs").sendMessages({ body: 1 });
    await client.close();
    broker.child.kill("SIGTERM");
    expect(await broker.exited).toBe(0);
    const again = await spawnBroker(["--port", "0", "--config", config, "--in-memory"]);
    const client2 = new ServiceBusClient(again.connectionString);
    expect(await client2.createReceiver("jobs").peekMessages(5)).toHaveLength(0);
    await client2.close();
    again.child.kill("SIGTERM");
    expect(await again.exited).toBe(0);
  });
});
