// force-cleanup as a process, on the embedded broker with HayMaker's topology and the sandbox cloud (ARM
// and Graph): it stops the agent, deletes its resources and group, its identity and its secret, and
// publishes agent.cleaned.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServiceBusClient } from "@azure/service-bus";
import { EventPublisher } from "@haymaker/bus";
import { type CloudControl, cloudControlFromEnv } from "@haymaker/cloud-control";
import { decodeEvent, newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA } from "@haymaker/contracts";
import { ProcessRuntime } from "@haymaker/runtime";
import { armScope, type SandboxCloud, SandboxCredential } from "@haymaker/sandbox-cloud";
import { FileSecretStore } from "@haymaker/stores";
import {
  type HayMakerBus,
  spawnService,
  startHayMakerBus,
  startSandboxWithOrchestrator,
} from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../bin/haymaker-force-cleanup.js", import.meta.url));
const runId = "run-force-service";

describe("the force-cleanup service", () => {
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

  /** force-cleanup as its own process, on the test bus and sandbox, keeping secrets under `dataDirectory`. */
  function startForceCleanup(dataDirectory: string) {
    return spawnService(BIN, [], {
      HAYMAKER_SERVICEBUS_CONNECTION_STRING: bus.broker.connectionString,
      HAYMAKER_DATA_DIR: dataDirectory,
      HAYMAKER_LOG_LEVEL: "info",
      ...cloudEnv,
    });
  }

  /** A resource created the way an agent creates one: a PUT on ARM, tagged. */
  async function putResource(id: string, tags: Record<string, string>) {
    const credential = new SandboxCredential({
      authorityHost: sandbox.url,
      tenantId: sandbox.tenantId,
      clientId: cloudEnv.HAYMAKER_CLIENT_ID as string,
      clientSecret: cloudEnv.HAYMAKER_CLIENT_SECRET as string,
    });
    const token = await credential.getToken([armScope]);
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

  it("stops the agent and deletes its resources, group, identity and secret", async () => {
    const dataDirectory = await mkdtemp(join(tmpdir(), "haymaker-force-cleanup-service-"));
    const secrets = new FileSecretStore(dataDirectory);
    const tags = {
      "haymaker-managed": "true",
      "haymaker-run": runId,
      "haymaker-agent": "a01",
      "haymaker-scenario": "storage-blob-lifecycle",
    };
    const group = `haymaker-${runId}-a01`;
    const groupId = await cloud.ensureResourceGroup(group, "westeurope", tags);
    const { identity, secret } = await cloud.createIdentity(`haymaker-${runId}-a01`, tags);
    const secretRef = await secrets.put(`${runId}-a01`, secret);
    const account = await putResource(`${groupId}/providers/Microsoft.Storage/storageAccounts/hmforce`, tags);
    const container = await putResource(`${account}/blobServices/default/containers/logs`, tags);
    // The agent, still running, in the runtime directory force-cleanup shares with deploy.
    const agents = new ProcessRuntime({
      directory: join(dataDirectory, "agents"),
      command: process.execPath,
      args: ["-e", "setInterval(() => {}, 1000)"],
      graceMs: 1000,
    });
    const runtimeRef = await agents.start({ name: "hm-force-service-a01", env: {} });

    const service = startForceCleanup(dataDirectory);
    try {
      const publisher = new EventPublisher(client);
      await publisher.publish(
        newEvent("cleanup.required", {
          source: "/haymaker/verify-cleanup",
          data: {
            ...EXAMPLE_DATA["cleanup.required"],
            runId,
            agentId: "a01",
            resourceGroup: group,
            identity,
            secretRef,
            runtimeRef,
            leftovers: [{ resourceId: account, type: "Microsoft.Storage/storageAccounts" }],
          },
        }),
      );
      await publisher.close();

      const receiver = client.createReceiver("agent-cleaned", "projector", {
        receiveMode: "receiveAndDelete",
      });
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 20_000 });
      await receiver.close();
      const cleaned = decodeEvent(message!) as EventOf<"agent.cleaned">;
      expect(cleaned.data).toMatchObject({
        runId,
        agentId: "a01",
        notDeleted: [],
        identityDeleted: true,
        secretDeleted: true,
      });
      expect(cleaned.data.deleted.map((id) => id.toLowerCase()).sort()).toEqual(
        [container, account, groupId].map((id) => id.toLowerCase()).sort(),
      );
      expect(await cloud.listTagged({ "haymaker-run": runId })).toEqual([]);
      expect(await cloud.findIdentity(identity.displayName)).toBeUndefined();
      expect(await secrets.exists(secretRef)).toBe(false);
      expect((await agents.status(runtimeRef)).state).not.toBe("running");
    } finally {
      await agents.stop(runtimeRef); // a no-op once force-cleanup has stopped it; no stray agent otherwise
      service.child.kill("SIGTERM");
      expect(await service.exited).toBe(0);
    }
    expect(service.output()).toContain("agent cleaned");
    expect(service.output()).not.toMatch(/\n\s+at /);
    expect(service.output()).not.toContain(cloudEnv.HAYMAKER_CLIENT_SECRET);
  });

  it("answers an operator's cleanup with cleanup.completed: the identity and secret it was told of are gone", async () => {
    const dataDirectory = await mkdtemp(join(tmpdir(), "haymaker-force-cleanup-operator-"));
    const secrets = new FileSecretStore(dataDirectory);
    const run = "run-force-operator";
    const { identity, secret } = await cloud.createIdentity(`haymaker-${run}-a01`, {});
    const secretRef = await secrets.put(`${run}-a01`, secret);
    const service = startForceCleanup(dataDirectory);
    try {
      const publisher = new EventPublisher(client);
      const cleanupId = "cleanup-20261124-150000-5e7a";
      await publisher.publish(
        newEvent("cleanup.requested", {
          source: "/haymaker/gateway",
          data: {
            cleanupId,
            runId: run,
            dryRun: false,
            requestedBy: "operator:alice@contoso.com",
            agents: [
              { runId: run, agentId: "a01", scenarioId: "storage-blob-lifecycle", identity, secretRef },
            ],
          },
        }),
      );
      await publisher.close();
      const receiver = client.createReceiver("cleanup-completed", "projector", {
        receiveMode: "receiveAndDelete",
      });
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 20_000 });
      await receiver.close();
      const completed = decodeEvent(message!) as EventOf<"cleanup.completed">;
      expect(completed.data).toMatchObject({
        cleanupId,
        runId: run,
        agents: [
          {
            agentId: "a01",
            identity: { displayName: identity.displayName, deleted: true },
            secret: { deleted: true },
          },
        ],
      });
      expect(await cloud.findIdentity(identity.displayName)).toBeUndefined();
      expect(await secrets.exists(secretRef)).toBe(false);
    } finally {
      service.child.kill("SIGTERM");
      expect(await service.exited).toBe(0);
    }
    expect(service.output()).toContain("operator's cleanup completed");
    expect(service.output()).not.toContain(secretRef);
  });
});
