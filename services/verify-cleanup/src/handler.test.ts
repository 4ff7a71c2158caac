import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudControlError } from "@haymaker/cloud-control";
import { InMemoryCloudControl } from "@haymaker/cloud-control/testing";
import { deterministicEventId, newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA, type Identity } from "@haymaker/contracts";
import { FileSecretStore } from "@haymaker/stores";
import { beforeEach, describe, expect, it } from "vitest";
import { verifyCleanup } from "./handler.ts";

const runId = "run-verify";
const agentId = "a01";
const group = `haymaker-${runId}-${agentId}`;
const tags = {
  "haymaker-managed": "true",
  "haymaker-run": runId,
  "haymaker-agent": agentId,
  "haymaker-scenario": "storage-blob-lifecycle",
};

describe("verify-cleanup", () => {
  let cloud: InMemoryCloudControl;
  let secrets: FileSecretStore;
  let identity: Identity;
  let secretRef: string;

  beforeEach(async () => {
    cloud = new InMemoryCloudControl();
    secrets = new FileSecretStore(await mkdtemp(join(tmpdir(), "haymaker-verify-cleanup-")));
    // What provision leaves for every agent: its group, its identity, the identity's secret.
    await cloud.ensureResourceGroup(group, "westeurope", tags);
    const created = await cloud.createIdentity(`haymaker-${runId}-${agentId}`);
    identity = created.identity;
    secretRef = await secrets.put(`${runId}-${agentId}`, created.secret);
  });

  function finished(data: Partial<EventOf<"agent.finished">["data"]> = {}): EventOf<"agent.finished"> {
    return newEvent("agent.finished", {
      source: "/haymaker/monitor",
      data: {
        ...EXAMPLE_DATA["agent.finished"],
        runId,
        agentId,
        resourceGroup: group,
        identity,
        secretRef,
        runtimeRef: "local:hm-verify-a01",
        outcome: "timed-out",
        deployedAt: "2026-11-24T06:03:00Z",
        finishedAt: "2026-11-24T14:05:00Z",
        reason: "still running at its deadline",
        ...data,
      },
    });
  }

  it("asks for cleanup of what the agent left, forwarding its outcome and timeline", async () => {
    const account = cloud.addResource(group, "Microsoft.Storage/storageAccounts", "hmverify", tags);
    const vnet = cloud.addResource(group, "Microsoft.Network/virtualNetworks", "vnet", tags);
    // Another agent's resource, and an untagged one: neither is this agent's business.
    await cloud.ensureResourceGroup("haymaker-run-verify-a02", "westeurope", {
      ...tags,
      "haymaker-agent": "a02",
    });
    cloud.addResource("haymaker-run-verify-a02", "Microsoft.Storage/storageAccounts", "other", {
      ...tags,
      "haymaker-agent": "a02",
    });
    cloud.addResource(group, "Microsoft.Web/sites", "untagged", {});

    const event = finished();
    const next = await verifyCleanup(event, { cloud, secrets });

    expect(next.type).toBe("com.haymaker.cleanup.required.v1");
    const required = next as EventOf<"cleanup.required">;
    expect(required.data.leftovers.map((r) => r.resourceId).sort()).toEqual([account, vnet].sort());
    expect(required.data.leftovers.find((r) => r.resourceId === account)?.type).toBe(
      "Microsoft.Storage/storageAccounts",
    );
    expect(required.data).toMatchObject({
      runId,
      agentId,
      resourceGroup: group,
      identity,
      secretRef,
      runtimeRef: "local:hm-verify-a01",
      outcome: "timed-out",
      deployedAt: "2026-11-24T06:03:00Z",
      finishedAt: "2026-11-24T14:05:00Z",
      reason: "still running at its deadline",
    });
    expect(required).toMatchObject({
      source: "/haymaker/verify-cleanup",
      causationid: event.id,
      correlationid: runId,
      subject: `runs/${runId}/agents/${agentId}`,
    });
  });

  it("publishes the same cleanup.required, same id, when the same agent.finished comes again", async () => {
    cloud.addResource(group, "Microsoft.Storage/storageAccounts", "hmverify", tags);
    const event = finished();
    const first = await verifyCleanup(event, { cloud, secrets });
    const again = await verifyCleanup(event, { cloud, secrets });
    expect(again.id).toBe(first.id);
    expect(again.data).toEqual(first.data);
    expect(first.id).toBe(deterministicEventId(event.id, "cleanup.required"));
  });

  it("still asks for cleanup when the agent tidied up: its group, identity and secret remain", async () => {
    const next = await verifyCleanup(finished(), { cloud, secrets });
    expect(next.type).toBe("com.haymaker.cleanup.required.v1");
    expect((next as EventOf<"cleanup.required">).data.leftovers).toEqual([]);
  });

  it("still asks for cleanup when only the identity is left", async () => {
    await cloud.deleteResourceGroup(group);
    await secrets.delete(secretRef);
    const next = await verifyCleanup(finished(), { cloud, secrets });
    expect(next.type).toBe("com.haymaker.cleanup.required.v1");
  });

  it("still asks for cleanup when only the secret is left", async () => {
    await cloud.deleteResourceGroup(group);
    await cloud.deleteIdentity(identity);
    const next = await verifyCleanup(finished(), { cloud, secrets });
    expect(next.type).toBe("com.haymaker.cleanup.required.v1");
  });

  it("reports the agent cleaned at once when nothing at all is left", async () => {
    await cloud.deleteResourceGroup(group);
    await cloud.deleteIdentity(identity);
    await secrets.delete(secretRef);
    const event = finished({ outcome: "completed", reason: undefined });

    const next = await verifyCleanup(event, { cloud, secrets });

    expect(next.type).toBe("com.haymaker.agent.cleaned.v1");
    const cleaned = next as EventOf<"agent.cleaned">;
    expect(cleaned.data).toEqual({
      runId,
      agentId,
      scenarioId: "storage-blob-lifecycle",
      index: 0,
      total: 5,
      deployedAt: "2026-11-24T06:03:00Z",
      finishedAt: "2026-11-24T14:05:00Z",
      identity,
      resourceGroup: group,
      outcome: "completed",
      deleted: [],
      notDeleted: [],
      identityDeleted: true,
      secretDeleted: true,
    });
    // The id force-cleanup gives the same agent's agent.cleaned, so a late duplicate is recognised as one.
    expect(cleaned.id).toBe(deterministicEventId("agent.cleaned", runId, agentId));
    expect(cleaned.causationid).toBe(event.id);
  });

  it("lets a failed cloud call fail the handler, so the bus retries the event", async () => {
    cloud.failNext("listTagged", new CloudControlError("ARM is busy", { status: 503 }));
    await expect(verifyCleanup(finished(), { cloud, secrets })).rejects.toThrow("ARM is busy");
    // The next delivery goes through.
    await expect(verifyCleanup(finished(), { cloud, secrets })).resolves.toMatchObject({
      type: "com.haymaker.cleanup.required.v1",
    });
  });
});
