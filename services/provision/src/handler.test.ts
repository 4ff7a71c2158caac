import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UnprocessableEventError } from "@haymaker/bus";
import { CloudControlError, type NewIdentity } from "@haymaker/cloud-control";
import { InMemoryCloudControl } from "@haymaker/cloud-control/testing";
import { newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA, resourceGroupOf } from "@haymaker/contracts";
import { FileSecretStore } from "@haymaker/stores";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ProvisionPorts, ProvisionStepError, provisionAgent } from "./handler.ts";
import { SqliteProvisionLedger } from "./ledger.ts";

const catalogue = new Map([
  ["storage-blob-lifecycle", { roles: ["Storage Account Contributor", "Reader"], location: "northeurope" }],
]);

function selected(data: Partial<EventOf<"agent.selected">["data"]> = {}): EventOf<"agent.selected"> {
  return newEvent("agent.selected", {
    source: "/haymaker/select",
    data: { ...EXAMPLE_DATA["agent.selected"], runId: "run-provision-test", ...data },
  });
}

/** Records every secret the cloud hands out, to tell which one the store kept. */
class RecordingCloud extends InMemoryCloudControl {
  readonly secretsIssued: string[] = [];
  readonly identityTags: Record<string, string>[] = [];
  override async createIdentity(
    displayName: string,
    tags: Record<string, string> = {},
  ): Promise<NewIdentity> {
    const created = await super.createIdentity(displayName);
    this.secretsIssued.push(created.secret);
    this.identityTags.push(tags);
    return created;
  }
}

describe("provision", () => {
  let dataDirectory: string;
  let cloud: RecordingCloud;
  let ports: ProvisionPorts;
  beforeEach(async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), "haymaker-provision-"));
    cloud = new RecordingCloud();
    ports = {
      cloud,
      secrets: new FileSecretStore(dataDirectory),
      catalogue,
      ledger: new SqliteProvisionLedger(dataDirectory),
    };
  });
  afterEach(() => rm(dataDirectory, { recursive: true, force: true }));

  /** provisionAgent where it must publish. */
  async function provision(event: EventOf<"agent.selected">) {
    const provisioned = await provisionAgent(event, ports);
    if (provisioned === undefined) throw new Error("provision published nothing");
    return provisioned;
  }

  it("gives the agent its own group, identity and roles there, and publishes only the secret's reference", async () => {
    const event = selected({ tags: { team: "blue" } });
    const provisioned = await provision(event);
    const name = "haymaker-run-provision-test-a01";

    expect(cloud.hasGroup(name)).toBe(true);
    const [group] = await cloud.listTagged({ "haymaker-run": "run-provision-test" });
    expect(group?.tags).toEqual({
      team: "blue",
      "haymaker-managed": "true",
      "haymaker-run": "run-provision-test",
      "haymaker-agent": "a01",
      "haymaker-scenario": "storage-blob-lifecycle",
    });
    expect(cloud.identities().map((i) => i.displayName)).toEqual([name]);
    expect(cloud.identityTags).toEqual([group?.tags]);
    expect(provisioned).toMatchObject({
      type: "com.haymaker.identity.provisioned.v1",
      source: "/haymaker/provision",
      causationid: event.id,
      correlationid: "run-provision-test",
      subject: "runs/run-provision-test/agents/a01",
      data: {
        runId: "run-provision-test",
        agentId: "a01",
        scenarioId: "storage-blob-lifecycle",
        index: 0,
        total: 5,
        resourceGroup: name,
        identity: cloud.identities()[0],
        secretRef: `local:${name}`,
        roles: [
          { role: "Storage Account Contributor", scope: cloud.groupId(name) },
          { role: "Reader", scope: cloud.groupId(name) },
        ],
        deadline: event.data.deadline,
        tags: { team: "blue" },
      },
    });
    expect(await ports.secrets.get(provisioned.data.secretRef)).toBe(cloud.secretsIssued[0]);
    expect(JSON.stringify(provisioned)).not.toContain(cloud.secretsIssued[0]);
  });

  it("scopes every role to the agent's own resource group and nowhere wider", async () => {
    const provisioned = await provision(selected());
    expect(cloud.roles).toHaveLength(2);
    for (const role of cloud.roles) {
      expect(role.servicePrincipalId).toBe(provisioned.data.identity.servicePrincipalId);
      expect(role.scope).toBe(cloud.groupId("haymaker-run-provision-test-a01"));
      expect(resourceGroupOf(role.scope)).toBe("haymaker-run-provision-test-a01");
    }
  });

  it("converges when the same agent is provisioned twice: one group, one identity, one role set, same event id", async () => {
    const event = selected();
    const first = await provision(event);
    const again = await provision(event);

    expect(again.id).toBe(first.id);
    expect(again.data).toEqual(first.data);
    expect(await cloud.listTagged({ "haymaker-run": "run-provision-test" })).toHaveLength(1);
    expect(cloud.identities()).toHaveLength(1);
    expect(cloud.roles).toHaveLength(2);
    // The repeat found its earlier record: no second secret on the identity.
    expect(cloud.secretsIssued).toHaveLength(1);
    expect(await ports.secrets.get(again.data.secretRef)).toBe(cloud.secretsIssued[0]);
  });

  it("creates nothing for a repeat that comes after cleanup deleted the agent's group, identity and secret", async () => {
    const event = selected();
    const first = await provision(event);
    // What force-cleanup does once the agent has finished.
    await cloud.deleteResourceGroup(first.data.resourceGroup);
    await cloud.deleteIdentity(first.data.identity);
    await ports.secrets.delete(first.data.secretRef);

    // The first completion was lost (provision was killed after publishing): the bus delivers it again.
    await expect(provisionAgent(event, ports)).resolves.toBeUndefined();
    expect(cloud.identities()).toEqual([]);
    expect(cloud.hasGroup(first.data.resourceGroup)).toBe(false);
    expect(cloud.secretsIssued).toHaveLength(1);
    await expect(ports.secrets.exists(first.data.secretRef)).resolves.toBe(false);
  });

  it("remembers what it provisioned across restarts: a new process publishes the recorded event again", async () => {
    const event = selected();
    const first = await provision(event);
    // A new provision process opens the same ledger file.
    ports = { ...ports, ledger: new SqliteProvisionLedger(dataDirectory) };
    const again = await provision(event);
    expect(again).toEqual(first);
    expect(cloud.secretsIssued).toHaveLength(1);
  });

  it("keeps agents apart: another agent gets another group and identity", async () => {
    const a01 = await provision(selected());
    const a02 = await provision(selected({ agentId: "a02", index: 1 }));
    expect(a02.id).not.toBe(a01.id);
    expect(a02.data.resourceGroup).toBe("haymaker-run-provision-test-a02");
    expect(a02.data.identity.appId).not.toBe(a01.data.identity.appId);
    expect(a02.data.roles.every((r) => r.scope === cloud.groupId("haymaker-run-provision-test-a02"))).toBe(
      true,
    );
  });

  it("dead-letters an agent whose scenario is not in the catalogue, as UnknownScenario, touching nothing", async () => {
    const attempt = provisionAgent(selected({ scenarioId: "vm-ghost" }), ports);
    await expect(attempt).rejects.toBeInstanceOf(UnprocessableEventError);
    await expect(attempt).rejects.toMatchObject({
      reason: "UnknownScenario",
      message: "scenario 'vm-ghost' not in the catalogue",
    });
    expect(cloud.calls.size).toBe(0);
  });

  it("throws to be retried when the new principal has not replicated yet, and succeeds on the retry", async () => {
    cloud.failNext(
      "assignRole",
      new CloudControlError(
        "Assigning Reader failed (HTTP 400 PrincipalNotFound): principal does not exist",
        {
          status: 400,
          code: "PrincipalNotFound",
        },
      ),
    );
    const event = selected();
    const attempt = provisionAgent(event, ports);
    await expect(attempt).rejects.toBeInstanceOf(ProvisionStepError);
    await expect(attempt).rejects.not.toBeInstanceOf(UnprocessableEventError);
    await expect(attempt).rejects.toMatchObject({ retryable: true });
    await expect(attempt).rejects.toThrow(/has not replicated yet; will retry/);

    const retried = await provision(event);
    expect(cloud.roles).toHaveLength(2);
    expect(cloud.identities()).toHaveLength(1);
    expect(await ports.secrets.get(retried.data.secretRef)).toBe(cloud.secretsIssued.at(-1));
  });

  it("throws a clear, secret-free error when HayMaker's own identity is refused", async () => {
    cloud.failNext(
      "ensureResourceGroup",
      new CloudControlError("Creating resource group failed (HTTP 403 AuthorizationFailed): not allowed", {
        status: 403,
        code: "AuthorizationFailed",
      }),
    );
    const attempt = provisionAgent(selected(), ports);
    await expect(attempt).rejects.toMatchObject({ retryable: false });
    await expect(attempt).rejects.toThrow(
      "creating resource group haymaker-run-provision-test-a01 failed: Creating resource group failed (HTTP 403 AuthorizationFailed): not allowed (retrying will not help until HayMaker's own identity is allowed to do this or the request is fixed)",
    );
    expect(cloud.identities()).toHaveLength(0);
  });

  it("retries transient cloud failures (throttling) as retryable", async () => {
    cloud.failNext("createIdentity", new CloudControlError("Graph throttled (HTTP 429)", { status: 429 }));
    await expect(provisionAgent(selected(), ports)).rejects.toMatchObject({
      name: "ProvisionStepError",
      retryable: true,
    });
    await expect(provisionAgent(selected(), ports)).resolves.toMatchObject({
      data: { resourceGroup: "haymaker-run-provision-test-a01" },
    });
  });
});
