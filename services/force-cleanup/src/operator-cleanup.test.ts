import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudControlError } from "@haymaker/cloud-control";
import { InMemoryCloudControl } from "@haymaker/cloud-control/testing";
import { deterministicEventId, newEvent } from "@haymaker/cloudevents";
import { type CleanupAgent, type EventOf, type Identity, parseEvent } from "@haymaker/contracts";
import { FileSecretStore } from "@haymaker/stores";
import { beforeEach, describe, expect, it } from "vitest";
import { type OperatorCleanupPorts, operatorCleanup, previewOperatorCleanup } from "./operator-cleanup.ts";
import type { RetryPolicy } from "./retry.ts";

const runId = "run-operator";
const scenarioId = "network-vnet-peering";
const cleanupId = "cleanup-20261124-150000-ab12";
const retry: RetryPolicy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 1, budgetMs: 10 };

function tagsOf(agentId: string, run = runId, scenario = scenarioId) {
  return {
    "haymaker-managed": "true",
    "haymaker-run": run,
    "haymaker-agent": agentId,
    "haymaker-scenario": scenario,
  };
}

const refusal = (status: number, what: string) =>
  new CloudControlError(`${what} failed (HTTP ${status} AuthorizationFailed)`, {
    status,
    code: "AuthorizationFailed",
  });

describe("force-cleanup for an operator", () => {
  let cloud: InMemoryCloudControl;
  let secrets: FileSecretStore;
  let ports: OperatorCleanupPorts;
  /** Per agent, what provision left: its identity and its secret's reference. */
  let estates: Map<string, { identity: Identity; secretRef: string; group: string }>;

  beforeEach(async () => {
    cloud = new InMemoryCloudControl();
    secrets = new FileSecretStore(await mkdtemp(join(tmpdir(), "haymaker-operator-cleanup-")));
    ports = { cloud, secrets, retry };
    estates = new Map();
    for (const [run, agent] of [
      [runId, "a01"],
      [runId, "a02"],
      ["run-other", "a01"],
    ] as const) {
      const group = `haymaker-${run}-${agent}`;
      await cloud.ensureResourceGroup(group, "westeurope", tagsOf(agent, run));
      cloud.addResource(group, "Microsoft.Storage/storageAccounts", `st${agent}`, tagsOf(agent, run));
      const { identity, secret } = await cloud.createIdentity(`haymaker-${run}-${agent}`);
      estates.set(`${run}.${agent}`, {
        identity,
        secretRef: await secrets.put(`${run}-${agent}`, secret),
        group,
      });
    }
    // Tagged with the run, but not managed by HayMaker: never touched.
    await cloud.ensureResourceGroup("someone-elses", "westeurope", { "haymaker-run": runId });
  });

  /** An agent as the gateway names it from the projections. */
  function named(agentId: string, run = runId): CleanupAgent {
    const estate = estates.get(`${run}.${agentId}`);
    if (!estate) throw new Error(`no agent ${run}.${agentId}`);
    return { runId: run, agentId, scenarioId, identity: estate.identity, secretRef: estate.secretRef };
  }

  function request(
    data: Partial<EventOf<"cleanup.requested">["data"]> = {},
    correlationid?: string,
  ): EventOf<"cleanup.requested"> {
    return newEvent("cleanup.requested", {
      source: "/haymaker/gateway",
      data: { cleanupId, runId, dryRun: false, requestedBy: "operator:alice@contoso.com", ...data },
      ...(correlationid === undefined ? {} : { correlationid }),
    });
  }

  it("only looks on a dry run", async () => {
    const preview = await previewOperatorCleanup(request({ dryRun: true }), ports);
    expect(preview.found).toHaveLength(4);
    expect(preview.identities.sort()).toEqual([`haymaker-${runId}-a01`, `haymaker-${runId}-a02`]);
    expect(await cloud.listTagged({ "haymaker-run": runId })).toHaveLength(5);
    expect(cloud.identities()).toHaveLength(3);
  });

  it("deletes what HayMaker made for the run and the run's identities, nothing else, and reports it per agent", async () => {
    const completed = await operatorCleanup(request(), ports, () => new Date("2026-11-24T15:01:00Z"));

    expect((await cloud.listTagged({ "haymaker-run": runId })).map((r) => r.resourceId)).toEqual([
      cloud.groupId("someone-elses"),
    ]);
    expect(await cloud.listTagged({ "haymaker-run": "run-other" })).toHaveLength(2);
    expect(cloud.identities().map((identity) => identity.displayName)).toEqual(["haymaker-run-other-a01"]);

    expect(completed.id).toBe(deterministicEventId("cleanup.completed", cleanupId));
    expect(completed.correlationid).toBe(runId);
    expect(completed.data).toMatchObject({ cleanupId, runId, completedAt: "2026-11-24T15:01:00.000Z" });
    const a01 = completed.data.agents.find((agent) => agent.agentId === "a01");
    expect(a01).toEqual({
      runId,
      agentId: "a01",
      scenarioId,
      deleted: expect.arrayContaining([
        cloud.groupId(`haymaker-${runId}-a01`),
        `${cloud.groupId(`haymaker-${runId}-a01`)}/providers/Microsoft.Storage/storageAccounts/sta01`,
      ]),
      notDeleted: [],
      identity: { displayName: `haymaker-${runId}-a01`, deleted: true },
    });
    expect(completed.data.unowned).toEqual({ deleted: [], notDeleted: [] });
    expect(completed.data.counts).toEqual({
      resourcesDeleted: 4,
      resourcesNotDeleted: 0,
      identitiesDeleted: 2,
      identitiesNotDeleted: 0,
      secretsDeleted: 0,
      secretsNotDeleted: 0,
    });
    // Found by tag alone, the secrets' references are unknown: only the gateway's list names them.
    expect(await secrets.exists(named("a01").secretRef as string)).toBe(true);
    expect(() => parseEvent(completed)).not.toThrow();
  });

  it("deletes an identity and a secret known only from the request, with nothing of the agent left to find by tag", async () => {
    const estate = estates.get(`${runId}.a02`);
    await cloud.deleteResourceGroup(estate?.group as string);
    expect(await cloud.listTagged(tagsOf("a02"))).toEqual([]);

    const completed = await operatorCleanup(request({ agents: [named("a02")] }), ports);

    expect(cloud.identities().map((identity) => identity.displayName)).not.toContain(`haymaker-${runId}-a02`);
    expect(await secrets.exists(estate?.secretRef as string)).toBe(false);
    expect(completed.data.agents.find((agent) => agent.agentId === "a02")).toEqual({
      runId,
      agentId: "a02",
      scenarioId,
      deleted: [],
      notDeleted: [],
      identity: { displayName: `haymaker-${runId}-a02`, deleted: true },
      secret: { deleted: true },
    });
  });

  it("reports what could not be deleted and why, in one short line, and deletes the rest", async () => {
    // Nothing of the run goes: the groups would take their resources with them.
    cloud.failNext("deleteResource", refusal(403, "Deleting resource"), refusal(403, "Deleting resource"));
    cloud.failNext("deleteResourceGroup", refusal(403, "Deleting group"), refusal(403, "Deleting group"));
    cloud.failNext("deleteIdentity", refusal(403, "Deleting application"));
    const unknownStore = { ...named("a02"), secretRef: "https://other-vault.vault.azure.net/secrets/x" };

    const completed = await operatorCleanup(request({ agents: [named("a01"), unknownStore] }), ports);

    const failures = completed.data.agents.flatMap((agent) => [
      ...agent.notDeleted.map((entry) => entry.reason),
      ...(agent.identity?.deleted === false ? [agent.identity.reason] : []),
      ...(agent.secret?.deleted === false ? [agent.secret.reason] : []),
    ]);
    expect(failures).toEqual(
      expect.arrayContaining([
        "Deleting resource failed (HTTP 403 AuthorizationFailed)",
        "Deleting group failed (HTTP 403 AuthorizationFailed)",
        "Deleting application failed (HTTP 403 AuthorizationFailed)",
        "the secret store does not hold references of this kind",
      ]),
    );
    for (const reason of failures) expect(reason).not.toMatch(/\n|\bat .*\.ts:/);
    const { counts } = completed.data;
    expect(counts.resourcesNotDeleted).toBe(4);
    expect(counts.identitiesNotDeleted + counts.secretsNotDeleted).toBe(2);
    expect(counts.identitiesDeleted).toBe(1);
    expect(counts.secretsDeleted).toBe(1);
  });

  it("reports a redelivered request under the same id, with what is already gone counted as deleted", async () => {
    const event = request({ agents: [named("a01"), named("a02")] });
    const first = await operatorCleanup(event, ports);
    const again = await operatorCleanup(event, ports);
    expect(again.id).toBe(first.id);
    expect(again.data.counts).toMatchObject({
      resourcesNotDeleted: 0,
      identitiesDeleted: 2,
      identitiesNotDeleted: 0,
      secretsDeleted: 2,
      secretsNotDeleted: 0,
    });
  });

  it("cleans a scenario across runs under the request's own correlation id", async () => {
    const completed = await operatorCleanup(request({ runId: undefined, scenarioId }, cleanupId), ports);
    expect(completed.correlationid).toBe(cleanupId);
    expect(completed.data).not.toHaveProperty("runId");
    expect(completed.data.agents.map((agent) => `${agent.runId}.${agent.agentId}`).sort()).toEqual([
      "run-operator.a01",
      "run-operator.a02",
      "run-other.a01",
    ]);
    expect(cloud.identities()).toEqual([]);
  });

  it("keeps the report inside an event's limits, counting everything", async () => {
    const group = `haymaker-${runId}-a01`;
    for (let n = 0; n < 1_100; n++) {
      cloud.addResource(group, "Microsoft.Network/publicIPAddresses", `ip${n}`, tagsOf("a01"));
    }
    const completed = await operatorCleanup(request(), ports);
    expect(completed.data.truncated).toBe(true);
    expect(completed.data.counts.resourcesDeleted).toBe(1_104);
    const listed = completed.data.agents.reduce((sum, agent) => sum + agent.deleted.length, 0);
    expect(listed).toBe(1_000);
  });
});
