// verify-cleanup as a process, on the embedded broker with HayMaker's topology and the sandbox cloud (ARM
// and Graph): an agent with remains gets cleanup.required, one with none left gets agent.cleaned.
import { randomUUID } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServiceBusClient } from "@azure/service-bus";
import { EventPublisher } from "@haymaker/bus";
import { type CloudControl, cloudControlFromEnv } from "@haymaker/cloud-control";
import { decodeEvent, newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA, type HayMakerEvent } from "@haymaker/contracts";
import { armScope, type SandboxCloud, SandboxCredential } from "@haymaker/sandbox-cloud";
import { FileSecretStore } from "@haymaker/stores";
import {
  type HayMakerBus,
  spawnService,
  startHayMakerBus,
  startSandboxWithOrchestrator,
} from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../bin/haymaker-verify-cleanup.js", import.meta.url));
const runId = "run-verify-service";

describe("the verify-cleanup service", () => {
  let bus: HayMakerBus;
  let client: ServiceBusClient;
  let sandbox: SandboxCloud;
  let cloudEnv: Record<string, string>;
  let cloud: CloudControl;

  beforeAll(async () => {
    bus = await startHayMakerBus();
    client = bus.client;
    ({ sandbox, cloudEnv } = await startSandboxWithOrchestrator());
    cloud = cloudControlFromEnv(cloudEnv, "test");
  });
  afterAll(async () => {
    await bus.stop();
    await sandbox.close();
  });

  /** A resource created the way an agent creates one: a PUT on ARM, tagged. */
  async function putResource(group: string, type: string, name: string, tags: Record<string, string>) {
    const credential = new SandboxCredential({
      authorityHost: sandbox.url,
      tenantId: sandbox.tenantId,
      clientId: cloudEnv.HAYMAKER_CLIENT_ID as string,
      clientSecret: cloudEnv.HAYMAKER_CLIENT_SECRET as string,
    });
    const token = await credential.getToken([armScope]);
    const id = `/subscriptions/${sandbox.subscriptionId}/resourceGroups/${group}/providers/${type}/${name}`;
    const response = await fetch(`${sandbox.url}${id}?api-version=2023-05-01`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token?.token}`, "content-type": "application/json" },
      body: JSON.stringify({
        location: "westeurope",
        kind: "StorageV2",
        sku: { name: "Standard_LRS" },
        tags,
      }),
    });
    expect(response.ok).toBe(true);
    return id;
  }

  async function received(topic: string, count: number): Promise<HayMakerEvent[]> {
    const receiver = client.createReceiver(topic, "projector", { receiveMode: "receiveAndDelete" });
    const found: HayMakerEvent[] = [];
    for (let i = 0; i < 40 && found.length < count; i++) {
      for (const message of await receiver.receiveMessages(10, { maxWaitTimeInMs: 500 }))
        found.push(decodeEvent(message));
    }
    await receiver.close();
    return found;
  }

  it("asks for cleanup of an agent's remains, and reports an agent with none as cleaned", async () => {
    const dataDirectory = await mkdtemp(join(tmpdir(), "haymaker-verify-cleanup-service-"));
    const secrets = new FileSecretStore(dataDirectory);
    const tags = {
      "haymaker-managed": "true",
      "haymaker-run": runId,
      "haymaker-agent": "a01",
      "haymaker-scenario": "storage-blob-lifecycle",
    };
    // a01, as provision and its agent left it.
    const group = `haymaker-${runId}-a01`;
    await cloud.ensureResourceGroup(group, "westeurope", tags);
    const { identity, secret } = await cloud.createIdentity(`haymaker-${runId}-a01`, tags);
    const secretRef = await secrets.put(`${runId}-a01`, secret);
    const account = await putResource(group, "Microsoft.Storage/storageAccounts", "hmverify", tags);
    // a02: everything already gone (its identity was never made under this name).
    const a02Identity = { ...identity, displayName: `haymaker-${runId}-a02`, appId: randomUUID() };

    const finished = (agentId: string, estate: Partial<EventOf<"agent.finished">["data"]>) =>
      newEvent("agent.finished", {
        source: "/haymaker/monitor",
        data: {
          ...EXAMPLE_DATA["agent.finished"],
          runId,
          agentId,
          index: agentId === "a01" ? 0 : 1,
          total: 2,
          runtimeRef: `local:hm-verify-${agentId}`,
          ...estate,
        },
      });
    const service = spawnService(BIN, [], {
      HAYMAKER_SERVICEBUS_CONNECTION_STRING: bus.broker.connectionString,
      HAYMAKER_DATA_DIR: dataDirectory,
      HAYMAKER_LOG_LEVEL: "info",
      ...cloudEnv,
    });
    try {
      const publisher = new EventPublisher(client);
      await publisher.publishAll([
        finished("a01", { resourceGroup: group, identity, secretRef }),
        finished("a02", {
          resourceGroup: `haymaker-${runId}-a02`,
          identity: a02Identity,
          secretRef: `local:${runId}-a02`,
        }),
      ]);
      await publisher.close();

      const [required] = (await received("cleanup-required", 1)) as Array<EventOf<"cleanup.required">>;
      expect(required?.data).toMatchObject({
        agentId: "a01",
        leftovers: [{ resourceId: account, type: "Microsoft.Storage/storageAccounts" }],
      });
      const [cleaned] = (await received("agent-cleaned", 1)) as Array<EventOf<"agent.cleaned">>;
      expect(cleaned?.data).toMatchObject({ agentId: "a02", deleted: [], identityDeleted: true });
    } finally {
      service.child.kill("SIGTERM");
      expect(await service.exited).toBe(0);
    }
    expect(service.output()).not.toMatch(/\n\s+at /);
    expect(service.output()).not.toContain(cloudEnv.HAYMAKER_CLIENT_SECRET);
  });
});
