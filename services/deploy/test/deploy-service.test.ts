// deploy as a process on the embedded broker: identity.provisioned in, a real supervised agent process
// started once however often the event arrives, agent.deployed out, and the secret nowhere but in the agent.
import { mkdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EventPublisher } from "@haymaker/bus";
import { decodeEvent, newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA } from "@haymaker/contracts";
import { ProcessRuntime } from "@haymaker/runtime";
import { FileSecretStore } from "@haymaker/stores";
import { type HayMakerBus, spawnService, startHayMakerBus } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentRecords, awaitAgentRecords, RECORD_ENV_AGENT } from "./fixtures/agent-records.ts";

const BIN = fileURLToPath(new URL("../bin/haymaker-deploy.js", import.meta.url));
const SECRET = "deploy-service-test-secret-7d1e";
const RUN = "run-deploy-service";
const SUBSCRIPTION = "11111111-2222-3333-4444-555555555555";

/** Stops the lingering test agent and waits until its supervisor has recorded the end. */
async function stopAgent(runtime: ProcessRuntime, ref: string): Promise<void> {
  await runtime.stop(ref).catch(() => undefined);
  for (let i = 0; i < 100; i++) {
    const state = await runtime.status(ref).then(
      (s) => s.state,
      () => "gone",
    );
    if (state !== "running") return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the deploy service", () => {
  let bus: HayMakerBus;
  let dataDirectory: string;
  beforeAll(async () => {
    bus = await startHayMakerBus();
    dataDirectory = await mkdtemp(join(tmpdir(), "haymaker-deploy-service-"));
  });
  afterAll(async () => {
    await bus.stop();
    await rm(dataDirectory, { recursive: true, force: true });
  });

  it("starts one agent for an identity delivered twice, publishes agent.deployed, and never shows the secret", async () => {
    const records = join(dataDirectory, "records");
    mkdirSync(records);
    const resourceGroup = `haymaker-${RUN}-a01`;
    const secretRef = await new FileSecretStore(dataDirectory).put(resourceGroup, SECRET);
    const service = spawnService(BIN, [], {
      HAYMAKER_SERVICEBUS_CONNECTION_STRING: bus.broker.connectionString,
      HAYMAKER_AGENT_SERVICEBUS_CONNECTION_STRING: bus.agentConnectionString,
      HAYMAKER_DATA_DIR: dataDirectory,
      HAYMAKER_AGENT_COMMAND: process.execPath,
      // The agent stays up until it is stopped, so the second delivery finds it running.
      HAYMAKER_AGENT_ARGS: JSON.stringify([RECORD_ENV_AGENT, records, "60000"]),
      HAYMAKER_LOG_LEVEL: "debug",
    });
    const runtime = new ProcessRuntime({ directory: join(dataDirectory, "agents"), command: "", args: [] });
    try {
      const base = EXAMPLE_DATA["identity.provisioned"];
      const provisioned = newEvent("identity.provisioned", {
        source: "/haymaker/provision",
        data: {
          ...base,
          runId: RUN,
          resourceGroup,
          secretRef,
          roles: [
            { role: "Contributor", scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${resourceGroup}` },
          ],
        },
      });
      const publisher = new EventPublisher(bus.client);
      await publisher.publish(provisioned);
      await publisher.publish(provisioned);
      await publisher.close();

      const receiver = bus.client.createReceiver("agent-deployed", "monitor", {
        receiveMode: "receiveAndDelete",
      });
      const deployed: Array<EventOf<"agent.deployed">> = [];
      for (let i = 0; i < 30 && deployed.length < 2; i++) {
        for (const message of await receiver.receiveMessages(2, { maxWaitTimeInMs: 500 }))
          deployed.push(decodeEvent(message) as EventOf<"agent.deployed">);
      }
      await receiver.close();

      expect(deployed).toHaveLength(2);
      expect(new Set(deployed.map((e) => e.id)).size).toBe(1);
      expect(deployed[0]).toMatchObject({
        causationid: provisioned.id,
        data: { runId: RUN, agentId: "a01", runtimeRef: `local:${resourceGroup}`, secretRef },
      });
      expect(deployed[1]?.data).toEqual(deployed[0]?.data);

      const [record] = await awaitAgentRecords(records, RUN, "a01");
      expect(agentRecords(records, RUN, "a01")).toHaveLength(1);
      expect(record?.env).toMatchObject({
        HAYMAKER_RESOURCE_GROUP: resourceGroup,
        AZURE_CLIENT_ID: base.identity.appId,
        // The agents' send-only credential, never deploy's own connection.
        HAYMAKER_SERVICEBUS_CONNECTION_STRING: bus.agentConnectionString,
      });
      expect(JSON.stringify(record?.env)).not.toContain(bus.broker.connectionString);
      expect((await runtime.status(`local:${resourceGroup}`)).state).toBe("running");
      expect(JSON.stringify(deployed)).not.toContain(SECRET);
      expect(readFileSync(runtime.logFile(`local:${resourceGroup}`), "utf8")).not.toContain(SECRET);
    } finally {
      await stopAgent(runtime, `local:${resourceGroup}`);
      service.child.kill("SIGTERM");
      expect(await service.exited).toBe(0);
    }
    expect(service.output()).toContain("deployed agent");
    expect(service.output()).not.toContain(SECRET);
    expect(service.output()).not.toMatch(/\n\s+at /);
  });

  it("refuses to start when the agent program is missing, rather than fail every agent", async () => {
    const service = spawnService(BIN, [], {
      HAYMAKER_SERVICEBUS_CONNECTION_STRING: bus.broker.connectionString,
      HAYMAKER_AGENT_SERVICEBUS_CONNECTION_STRING: bus.agentConnectionString,
      HAYMAKER_DATA_DIR: dataDirectory,
      HAYMAKER_AGENT_COMMAND: join(dataDirectory, "no-such-agent"),
    });
    expect(await service.exited).toBe(1);
    expect(service.output()).toContain("deploy cannot start: the agent program");
    expect(service.output()).toContain("no-such-agent does not exist");
  });
});
