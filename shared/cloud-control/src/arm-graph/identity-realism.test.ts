// The adapter against a sandbox that behaves like Entra and Azure RBAC (realism): identities that take
// time to replicate, deleted ones that wait in deletedItems and count toward the creator's quota.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { type Realism, SandboxCredential, startSandboxCloud } from "@haymaker/sandbox-cloud";
import { describe, expect, it } from "vitest";
import { ArmGraphCloudControl } from "./arm-graph-cloud-control.ts";
import { createGraphClient } from "./graph-client.ts";
import { retryWhilePropagating } from "./propagation.ts";

async function withCloud(
  realism: Partial<Realism>,
  test: (parts: {
    cloud: ArmGraphCloudControl;
    graph: ReturnType<typeof createGraphClient>;
    subscriptionId: string;
  }) => Promise<void>,
  propagationWindowMs = 0,
): Promise<void> {
  const sandbox = await startSandboxCloud({ realism });
  try {
    const clientId = randomUUID();
    const clientSecret = `orchestrator-${randomUUID()}`;
    sandbox.registerPrincipal({
      clientId,
      secret: clientSecret,
      subscriptionScopes: [`/subscriptions/${sandbox.subscriptionId}`],
      directoryWriter: true,
    });
    const credential = new SandboxCredential({
      authorityHost: sandbox.url,
      tenantId: sandbox.tenantId,
      clientId,
      clientSecret,
    });
    const cloud = new ArmGraphCloudControl({
      credential,
      tenantId: sandbox.tenantId,
      subscriptionId: sandbox.subscriptionId,
      armEndpoint: sandbox.url,
      graphEndpoint: sandbox.url,
      pollIntervalMs: 0,
      propagationWindowMs,
    });
    await test({
      cloud,
      graph: createGraphClient(credential, sandbox.url),
      subscriptionId: sandbox.subscriptionId,
    });
  } finally {
    await sandbox.close();
  }
}

describe("identities against Entra's recycle bin and creator quota", () => {
  it("deletes identities for good, so creating and deleting more than the quota never runs out", async () => {
    // Room for two identities (an application and a service principal each); six come and go.
    await withCloud({ directoryObjectQuota: 4 }, async ({ cloud, graph }) => {
      for (let i = 1; i <= 6; i++) {
        const { identity } = await cloud.createIdentity(`haymaker-quota-a0${i}`, { "haymaker-run": "quota" });
        expect(await cloud.deleteIdentity(identity)).toBe("deleted");
      }
      const waiting = (await graph.api("/directory/deletedItems/microsoft.graph.application").get()) as {
        value: unknown[];
      };
      expect(waiting.value).toEqual([]);
    });
  });

  it("counts a permanently deleted identity as deleted, and a second delete as absent", async () => {
    await withCloud({ directoryObjectQuota: 10 }, async ({ cloud }) => {
      const { identity } = await cloud.createIdentity("haymaker-twice-a01", {});
      expect(await cloud.deleteIdentity(identity)).toBe("deleted");
      expect(await cloud.deleteIdentity(identity)).toBe("absent");
    });
  });
});

describe("identities against Entra's replication delay", () => {
  const DELAY_MS = 1_500;

  it("creates one application when a retry comes before the first is visible to queries", async () => {
    await withCloud({ replicationDelayMs: DELAY_MS }, async ({ cloud, graph }) => {
      const name = "haymaker-retried-a01";
      const first = await cloud.createIdentity(name, { "haymaker-run": "retried" });
      // A crash after the create, and provision's redelivery at once: the first is not yet queryable.
      const second = await cloud.createIdentity(name, { "haymaker-run": "retried" });
      expect(second.identity).toEqual(first.identity);
      await sleep(DELAY_MS);
      const apps = (await graph.api("/applications").filter(`displayName eq '${name}'`).get()) as {
        value: unknown[];
      };
      expect(apps.value).toHaveLength(1);
      const principals = (await graph
        .api("/servicePrincipals")
        .filter(`appId eq '${first.identity.appId}'`)
        .get()) as { value: unknown[] };
      expect(principals.value).toHaveLength(1);
      expect(await cloud.findIdentity(name)).toEqual(first.identity);
    });
  });

  it("grants a role to a principal created a moment ago at the first attempt", async () => {
    // No propagation window: only principalType keeps ARM from looking up the principal.
    await withCloud({ replicationDelayMs: 60_000 }, async ({ cloud }) => {
      const scope = await cloud.ensureResourceGroup("rg-new-principal", "westeurope", {});
      const { identity } = await cloud.createIdentity("haymaker-new-principal-a01", {});
      await expect(
        cloud.assignRole(identity.servicePrincipalId, { role: "Reader", scope }),
      ).resolves.toBeUndefined();
    });
  });
});

describe("retryWhilePropagating", () => {
  const wait = async () => {};
  const notYet = Object.assign(new Error("PrincipalNotFound"), { code: "PrincipalNotFound" });

  it("retries what propagation explains until it works", async () => {
    let calls = 0;
    const result = await retryWhilePropagating(
      { windowMs: 60_000, wait },
      async () => {
        calls++;
        if (calls < 3) throw notYet;
        return "granted";
      },
      (error) => error === notYet,
    );
    expect(result).toBe("granted");
    expect(calls).toBe(3);
  });

  it("gives up when the window has passed, and never retries anything else", async () => {
    let calls = 0;
    const failing = retryWhilePropagating(
      { windowMs: 30, wait: () => sleep(20) },
      async () => {
        calls++;
        throw notYet;
      },
      () => true,
    );
    await expect(failing).rejects.toBe(notYet);
    expect(calls).toBeGreaterThanOrEqual(2);
    const other = new Error("RoleDefinitionDoesNotExist");
    let once = 0;
    await expect(
      retryWhilePropagating(
        { windowMs: 60_000, wait },
        async () => {
          once++;
          throw other;
        },
        (error) => error === notYet,
      ),
    ).rejects.toBe(other);
    expect(once).toBe(1);
  });
});
