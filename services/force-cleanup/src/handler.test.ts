import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudControlError } from "@haymaker/cloud-control";
import { InMemoryCloudControl } from "@haymaker/cloud-control/testing";
import { deterministicEventId, newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA, type Identity } from "@haymaker/contracts";
import { ProcessRuntime } from "@haymaker/runtime";
import { FileSecretStore } from "@haymaker/stores";
import { beforeEach, describe, expect, it } from "vitest";
import { type ForceCleanupPorts, forceCleanup } from "./handler.ts";
import type { RetryPolicy } from "./retry.ts";

const runId = "run-force";
const scenarioId = "network-vnet-peering";

function tagsOf(agentId: string, run = runId) {
  return {
    "haymaker-managed": "true",
    "haymaker-run": run,
    "haymaker-agent": agentId,
    "haymaker-scenario": scenarioId,
  };
}

/** The in-memory cloud, noting the order of the deletes it is asked for. */
class RecordingCloud extends InMemoryCloudControl {
  readonly deletes: string[] = [];
  override async deleteResource(resourceId: string): Promise<"deleted" | "absent"> {
    this.deletes.push(resourceId);
    return super.deleteResource(resourceId);
  }
  override async deleteResourceGroup(name: string): Promise<"deleted" | "absent"> {
    this.deletes.push(this.groupId(name));
    return super.deleteResourceGroup(name);
  }
  override async deleteIdentity(identity: Identity): Promise<"deleted" | "absent"> {
    this.deletes.push(`identity:${identity.displayName}`);
    return super.deleteIdentity(identity);
  }
}

const busy = (status: number, retryAfterMs?: number) =>
  new CloudControlError(`Deleting failed (HTTP ${status})`, {
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });

describe("force-cleanup", () => {
  let cloud: RecordingCloud;
  let secrets: FileSecretStore;
  let dataDirectory: string;
  let waits: number[];
  let ports: ForceCleanupPorts;

  beforeEach(async () => {
    cloud = new RecordingCloud();
    dataDirectory = await mkdtemp(join(tmpdir(), "haymaker-force-cleanup-"));
    secrets = new FileSecretStore(dataDirectory);
    waits = [];
    const retry: RetryPolicy = {
      attempts: 5,
      baseDelayMs: 1000,
      maxDelayMs: 8000,
      budgetMs: 12_000,
      sleep: async (ms) => {
        waits.push(ms);
      },
    };
    const agents = new ProcessRuntime({
      directory: join(dataDirectory, "agents"),
      command: "true",
      args: [],
    });
    ports = { cloud, secrets, agents, retry };
  });

  /** What provision and an agent leave: a group, an identity, its secret, and the given resources. */
  async function provisioned(agentId: string, run = runId) {
    const group = `haymaker-${run}-${agentId}`;
    await cloud.ensureResourceGroup(group, "westeurope", tagsOf(agentId, run));
    const { identity, secret } = await cloud.createIdentity(`haymaker-${run}-${agentId}`);
    const secretRef = await secrets.put(`${run}-${agentId}`, secret);
    const add = (type: string, name: string) => cloud.addResource(group, type, name, tagsOf(agentId, run));
    return { group, identity, secretRef, add };
  }

  function required(
    estate: { group: string; identity: Identity; secretRef: string },
    data: Partial<EventOf<"cleanup.required">["data"]> = {},
  ): EventOf<"cleanup.required"> {
    return newEvent("cleanup.required", {
      source: "/haymaker/verify-cleanup",
      data: {
        ...EXAMPLE_DATA["cleanup.required"],
        runId,
        agentId: "a01",
        scenarioId,
        resourceGroup: estate.group,
        identity: estate.identity,
        secretRef: estate.secretRef,
        runtimeRef: "local:hm-force-a01",
        outcome: "failed",
        deployedAt: "2026-11-24T06:03:00Z",
        finishedAt: "2026-11-24T07:10:00Z",
        reason: "scenario step 3 failed",
        leftovers: [],
        ...data,
      },
    });
  }

  it("deletes children before parents, then the group, then the identity and the secret", async () => {
    const estate = await provisioned("a01");
    // Parents are added first, so deleting in listing order would take parents first.
    const vnet = estate.add("Microsoft.Network/virtualNetworks", "vnet");
    const subnet = estate.add("Microsoft.Network/virtualNetworks/vnet/subnets", "default");
    const account = estate.add("Microsoft.Storage/storageAccounts", "hmforce");
    const container = estate.add(
      "Microsoft.Storage/storageAccounts/hmforce/blobServices/default/containers",
      "logs",
    );
    const event = required(estate);

    const cleaned = await forceCleanup(event, ports);

    const at = (id: string) => cloud.deletes.indexOf(id);
    expect(at(subnet)).toBeLessThan(at(vnet));
    expect(at(container)).toBeLessThan(at(account));
    const groupId = cloud.groupId(estate.group);
    expect(Math.max(at(vnet), at(account))).toBeLessThan(at(groupId));
    expect(at(groupId)).toBeLessThan(at(`identity:${estate.identity.displayName}`));

    expect(cleaned.data.deleted.sort()).toEqual([vnet, subnet, account, container, groupId].sort());
    expect(cleaned.data).toMatchObject({
      runId,
      agentId: "a01",
      scenarioId,
      identity: estate.identity,
      resourceGroup: estate.group,
      outcome: "failed",
      deployedAt: "2026-11-24T06:03:00Z",
      finishedAt: "2026-11-24T07:10:00Z",
      reason: "scenario step 3 failed",
      notDeleted: [],
      identityDeleted: true,
      secretDeleted: true,
    });
    expect(cleaned).toMatchObject({ source: "/haymaker/force-cleanup", causationid: event.id });
    expect(await cloud.listTagged({ "haymaker-run": runId })).toEqual([]);
    expect(cloud.hasGroup(estate.group)).toBe(false);
    expect(cloud.identities()).toEqual([]);
    expect(await secrets.exists(estate.secretRef)).toBe(false);
  });

  it("lists again rather than trusting the leftovers it was sent", async () => {
    const estate = await provisioned("a01");
    const late = estate.add("Microsoft.Web/sites", "created-after-verify");
    const cleaned = await forceCleanup(required(estate, { leftovers: [] }), ports);
    expect(cleaned.data.deleted).toContain(late);
  });

  it("retries through conflicts, throttling and server errors until nothing is left", async () => {
    const estate = await provisioned("a01");
    const account = estate.add("Microsoft.Storage/storageAccounts", "hmforce");
    cloud.failNext("deleteResource", busy(409), busy(429, 2500), busy(500));
    cloud.failNext("deleteResourceGroup", busy(503));

    const cleaned = await forceCleanup(required(estate), ports);

    expect(cloud.calls.get("deleteResource")).toBe(4);
    expect(cloud.calls.get("deleteResourceGroup")).toBe(2);
    expect(cleaned.data.deleted).toEqual([account, cloud.groupId(estate.group)]);
    expect(cleaned.data.notDeleted).toEqual([]);
    // Backing off, the throttle's Retry-After honoured, all well inside the lock.
    expect(waits).toHaveLength(4);
    expect(waits[1]).toBeGreaterThanOrEqual(2500);
    expect(waits.reduce((sum, ms) => sum + ms, 0)).toBeLessThan(15_000);
    expect(await cloud.listTagged({ "haymaker-run": runId })).toEqual([]);
  });

  it("reports what keeps failing as not deleted, with a short reason, and still deletes identity and secret", async () => {
    const estate = await provisioned("a01");
    const account = estate.add("Microsoft.Storage/storageAccounts", "locked");
    cloud.failNext("deleteResource", ...Array.from({ length: 5 }, () => busy(409)));
    cloud.failNext(
      "deleteResourceGroup",
      new CloudControlError("Deleting resource group failed (HTTP 403 AuthorizationFailed): not allowed", {
        status: 403,
        code: "AuthorizationFailed",
      }),
    );

    const cleaned = await forceCleanup(required(estate), ports);

    expect(cleaned.data.deleted).toEqual([]);
    expect(cleaned.data.notDeleted).toEqual(
      expect.arrayContaining([
        { resourceId: account, reason: "Deleting failed (HTTP 409)" },
        {
          resourceId: cloud.groupId(estate.group),
          reason: "Deleting resource group failed (HTTP 403 AuthorizationFailed): not allowed",
        },
      ]),
    );
    expect(cleaned.data.notDeleted).toHaveLength(2);
    expect(cleaned.data).toMatchObject({ identityDeleted: true, secretDeleted: true });
    expect(cloud.identities()).toEqual([]);
    expect(await secrets.exists(estate.secretRef)).toBe(false);
  });

  it("counts a resource that would not delete on its own but went with its group as deleted", async () => {
    const estate = await provisioned("a01");
    const account = estate.add("Microsoft.Storage/storageAccounts", "stubborn");
    cloud.failNext("deleteResource", ...Array.from({ length: 5 }, () => busy(409)));
    const cleaned = await forceCleanup(required(estate), ports);
    expect(cleaned.data.notDeleted).toEqual([]);
    expect(cleaned.data.deleted.sort()).toEqual([account, cloud.groupId(estate.group)].sort());
  });

  it("deletes the identity and secret even when the resources cannot be listed, then fails for a retry", async () => {
    const estate = await provisioned("a01");
    estate.add("Microsoft.Storage/storageAccounts", "hmforce");
    cloud.failNext("listTagged", ...Array.from({ length: 5 }, () => busy(500)));

    await expect(forceCleanup(required(estate), ports)).rejects.toThrow("HTTP 500");
    expect(cloud.identities()).toEqual([]);
    expect(await secrets.exists(estate.secretRef)).toBe(false);

    // The bus brings the message back; this time the resources go too.
    const cleaned = await forceCleanup(required(estate), ports);
    expect(cleaned.data).toMatchObject({ notDeleted: [], identityDeleted: true, secretDeleted: true });
    expect(await cloud.listTagged({ "haymaker-run": runId })).toEqual([]);
  });

  it("fails for a retry, rather than report an identity left behind, when its deletion keeps failing", async () => {
    const estate = await provisioned("a01");
    cloud.failNext("deleteIdentity", ...Array.from({ length: 5 }, () => busy(503)));
    await expect(forceCleanup(required(estate), ports)).rejects.toThrow("HTTP 503");
    expect(cloud.identities()).toHaveLength(1);
    const cleaned = await forceCleanup(required(estate), ports);
    expect(cleaned.data.identityDeleted).toBe(true);
    expect(cloud.identities()).toEqual([]);
  });

  it("reports the identity not deleted when the cloud refuses for good", async () => {
    const estate = await provisioned("a01");
    cloud.failNext("deleteIdentity", busy(403));
    const cleaned = await forceCleanup(required(estate), ports);
    expect(cleaned.data).toMatchObject({ identityDeleted: false, secretDeleted: true });
  });

  it("handles the same event twice to the same outcome, under the same event id", async () => {
    const estate = await provisioned("a01");
    estate.add("Microsoft.Storage/storageAccounts", "hmforce");
    const event = required(estate);
    const first = await forceCleanup(event, ports);
    const again = await forceCleanup(event, ports);
    expect(again.id).toBe(first.id);
    expect(first.id).toBe(deterministicEventId("agent.cleaned", runId, "a01"));
    expect(again.data).toMatchObject({ notDeleted: [], identityDeleted: true, secretDeleted: true });
    // The second time there was nothing left to delete.
    expect(again.data.deleted).toEqual([]);
    expect(first.data.deleted).toHaveLength(2);
  });

  it("stops a running agent before deleting anything", async () => {
    const agents = new ProcessRuntime({
      directory: join(dataDirectory, "agents"),
      command: process.execPath,
      args: ["-e", "setInterval(() => {}, 1000)"],
      graceMs: 1000,
    });
    const order: string[] = [];
    const runtimeRef = await agents.start({ name: "hm-force-a01", env: {} });
    const estate = await provisioned("a01");
    estate.add("Microsoft.Storage/storageAccounts", "hmforce");
    const listTagged = cloud.listTagged.bind(cloud);
    cloud.listTagged = async (tags) => {
      order.push("list");
      return listTagged(tags);
    };
    const recordingAgents = {
      stop: async (ref: string) => {
        order.push(`stop ${ref}`);
        await agents.stop(ref);
      },
    };

    await forceCleanup(required(estate, { runtimeRef }), { ...ports, agents: recordingAgents });

    expect(order.slice(0, 2)).toEqual([`stop ${runtimeRef}`, "list"]);
    let state = (await agents.status(runtimeRef)).state;
    for (let i = 0; i < 100 && state === "running"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      state = (await agents.status(runtimeRef)).state;
    }
    expect(state).toBe("stopped");
  });
});
