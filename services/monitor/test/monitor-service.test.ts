// monitor as a process on the embedded broker, watching real supervised agent processes: an agent that fails
// early, one that runs past its deadline, and one whose run is cancelled — each finished with the right
// outcome, through checks monitor schedules for itself on the bus.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EventPublisher } from "@haymaker/bus";
import { decodeEvent, newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA } from "@haymaker/contracts";
import { ProcessRuntime } from "@haymaker/runtime";
import { type HayMakerBus, spawnService, startHayMakerBus } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../bin/haymaker-monitor.js", import.meta.url));

// A stand-in agent: "fail" exits 1 soon; "linger" runs until stopped, then tears down and exits 143.
const AGENT = `
process.on("SIGTERM", () => setTimeout(() => process.exit(143), 100));
if (process.env.AGENT_MODE === "fail") setTimeout(() => process.exit(1), 300);
else setInterval(() => {}, 1000);
`;

describe("the monitor service", () => {
  let bus: HayMakerBus;
  let dataDirectory: string;
  beforeAll(async () => {
    bus = await startHayMakerBus();
    dataDirectory = await mkdtemp(join(tmpdir(), "haymaker-monitor-service-"));
  });
  afterAll(async () => {
    await bus.stop();
    await rm(dataDirectory, { recursive: true, force: true });
  });

  it("finishes agents that fail, run past their deadline, or belong to a cancelled run", async () => {
    const runtime = new ProcessRuntime({
      directory: join(dataDirectory, "agents"),
      command: process.execPath,
      args: ["-e", AGENT],
      graceMs: 2000,
    });
    const service = spawnService(BIN, [], {
      HAYMAKER_SERVICEBUS_CONNECTION_STRING: bus.broker.connectionString,
      HAYMAKER_DATA_DIR: dataDirectory,
      HAYMAKER_MONITOR_INTERVAL: "PT1S",
      HAYMAKER_AGENT_GRACE: "PT2S",
      HAYMAKER_LOG_LEVEL: "warn",
    });
    const refs: string[] = [];
    try {
      const publisher = new EventPublisher(bus.client);
      const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
      const deploy = async (runId: string, agentId: string, mode: string, deadline: string) => {
        const runtimeRef = await runtime.start({ name: `hm-${runId}-${agentId}`, env: { AGENT_MODE: mode } });
        refs.push(runtimeRef);
        return newEvent("agent.deployed", {
          source: "/haymaker/deploy",
          data: {
            ...EXAMPLE_DATA["agent.deployed"],
            runId,
            agentId,
            runtimeRef,
            deployedAt: new Date().toISOString(),
            deadline,
          },
        });
      };
      await publisher.publishAll([
        await deploy("run-early", "a01", "fail", inSeconds(600)),
        await deploy("run-late", "a01", "linger", inSeconds(2)),
        await deploy("run-cancelled", "a01", "linger", inSeconds(600)),
      ]);
      await publisher.publish(
        newEvent("run.cancel.requested", {
          source: "/haymaker/gateway",
          data: { runId: "run-cancelled", requestedBy: "operator:test" },
        }),
      );
      await publisher.close();

      const receiver = bus.client.createReceiver("agent-finished", "verify-cleanup", {
        receiveMode: "receiveAndDelete",
      });
      const finished = new Map<string, EventOf<"agent.finished">>();
      for (let i = 0; i < 40 && finished.size < 3; i++) {
        for (const message of await receiver.receiveMessages(3, { maxWaitTimeInMs: 500 })) {
          const event = decodeEvent(message) as EventOf<"agent.finished">;
          finished.set(event.data.runId, event);
        }
      }
      await receiver.close();

      expect(finished.get("run-early")?.data).toMatchObject({
        outcome: "failed",
        exitCode: 1,
        reason: "a scenario step failed (exit code 1)",
      });
      expect(finished.get("run-late")?.data).toMatchObject({
        outcome: "timed-out",
        exitCode: 143,
        reason: "still running at its deadline, so it was stopped",
      });
      expect(finished.get("run-cancelled")?.data).toMatchObject({
        outcome: "cancelled",
        exitCode: 143,
        reason: "the run was cancelled by operator:test",
      });
      for (const ref of refs) expect((await runtime.status(ref)).state).not.toBe("running");
    } finally {
      for (const ref of refs) await runtime.stop(ref).catch(() => undefined);
      service.child.kill("SIGTERM");
      expect(await service.exited).toBe(0);
    }
    expect(service.output()).not.toMatch(/\n\s+at /);
  });
});
