// Who may use a sandbox vault's data plane, and how a caller is told: the 401 challenge the SDK answers,
// audience-bound tokens, Azure RBAC data actions (Key Vault Secrets Officer / User at the vault, its group
// or the subscription), the access-policy model refusing everyone, and the replication delay of a new grant.
import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import type { AuthorizationManagementClient } from "@azure/arm-authorization";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapObjectId } from "./auth/principals.ts";
import { armScope, createSandboxKeyVault, type SandboxCloud, type SandboxCredential } from "./index.ts";
import {
  authorizationClient,
  credential,
  failure,
  graphClient,
  resourcesClient,
} from "./test-support/clients.ts";
import { provisionIdentity, type TestIdentity } from "./test-support/identities.ts";
import { secretClient } from "./test-support/key-vault.ts";
import { startWithOrchestrator } from "./test-support/orchestrated-cloud.ts";

const SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";
const vaultScope = "https://vault.azure.net/.default";

let cloud: SandboxCloud;
let orchestrator: SandboxCredential;
let vaultUri: string;
let vaultId: string;
let reader: TestIdentity;
let stranger: TestIdentity;
let admin: AuthorizationManagementClient;

beforeAll(async () => {
  ({ cloud, orchestrator } = await startWithOrchestrator());
  const graph = graphClient(cloud, orchestrator);
  reader = await provisionIdentity(graph, "reader");
  stranger = await provisionIdentity(graph, "stranger");
  // The orchestrator by its client id, the reader by its application's client id.
  const vault = await createSandboxKeyVault(cloud, {
    name: "kv-access",
    officers: ["orchestrator"],
    users: [reader.appId],
  });
  vaultUri = vault.vaultUri;
  vaultId = vault.id;
  admin = authorizationClient(cloud, orchestrator);
  await secretClient(vaultUri, orchestrator).setSecret("shared", "the value");
});

afterAll(async () => {
  await cloud.close();
});

const as = (identity: TestIdentity) =>
  secretClient(vaultUri, credential(cloud, identity.appId, identity.secret));

function innerCode(error: Record<string, unknown>): string | undefined {
  return (error.details as { error?: { innerError?: { code?: string } } }).error?.innerError?.code;
}

async function grant(identity: TestIdentity, role: string, scope: string) {
  await admin.roleAssignments.create(scope, randomUUID(), {
    roleDefinitionId: `/subscriptions/${cloud.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
    principalId: identity.principalId,
    principalType: "ServicePrincipal",
  });
}

describe("authentication", () => {
  it("answers a request without a token with 401 and the challenge the SDK follows", async () => {
    const response = await fetch(`${vaultUri}secrets/shared?api-version=7.6`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(
      `Bearer authorization="${cloud.url}/${cloud.tenantId}", resource="https://vault.azure.net"`,
    );
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("Unauthorized");
    expect(body.error.message).toMatch(/^AKV10000/);
  });

  it("refuses a token for another audience, and an unknown token", async () => {
    const arm = await orchestrator.getToken(armScope);
    const wrong = await fetch(`${vaultUri}secrets/shared?api-version=7.6`, {
      headers: { authorization: `Bearer ${arm.token}` },
    });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toMatch(/^AKV10022/);
    const unknown = await fetch(`${vaultUri}secrets/shared?api-version=7.6`, {
      headers: { authorization: "Bearer not-a-token" },
    });
    expect(unknown.status).toBe(401);
  });

  it("refuses an api-version Key Vault does not know", async () => {
    const token = await orchestrator.getToken(vaultScope);
    const response = await fetch(`${vaultUri}secrets/shared?api-version=7.99`, {
      headers: { authorization: `Bearer ${token.token}` },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("BadParameter");
  });
});

describe("authorization by Azure RBAC data actions", () => {
  it("lets a Key Vault Secrets User read, and nothing more", async () => {
    const client = as(reader);
    expect((await client.getSecret("shared")).value).toBe("the value");
    for (const call of [
      () => client.setSecret("shared", "overwritten"),
      () => client.beginDeleteSecret("shared"),
      () => client.purgeDeletedSecret("shared"),
    ]) {
      const error = await failure(call());
      expect(error.statusCode).toBe(403);
      expect(error.code).toBe("Forbidden");
      expect(innerCode(error)).toBe("ForbiddenByRbac");
    }
    expect((await secretClient(vaultUri, orchestrator).getSecret("shared")).value).toBe("the value");
  });

  it("refuses a principal without a role, naming it, the action and the secret", async () => {
    const error = await failure(as(stranger).getSecret("shared"));
    expect(error.statusCode).toBe(403);
    expect(innerCode(error)).toBe("ForbiddenByRbac");
    const message = String(error.message);
    expect(message).toContain(`oid=${stranger.principalId}`);
    expect(message).toContain("Microsoft.KeyVault/vaults/secrets/getSecret/action");
    expect(message).toContain(`${vaultId.toLowerCase()}/secrets/shared`);
    expect(message).not.toContain("the value");
  });

  it("gives a bootstrap principal nothing for being Owner: data actions need a data role", async () => {
    cloud.registerPrincipal({
      clientId: "owner-only",
      secret: "owner-secret",
      subscriptionScopes: [`/subscriptions/${cloud.subscriptionId}`],
    });
    const error = await failure(
      secretClient(vaultUri, credential(cloud, "owner-only", "owner-secret")).getSecret("shared"),
    );
    expect(error.statusCode).toBe(403);
    expect(innerCode(error)).toBe("ForbiddenByRbac");
  });

  it("honours a grant at the vault's group and at the subscription", async () => {
    const graph = graphClient(cloud, orchestrator);
    const atGroup = await provisionIdentity(graph, "group-reader");
    const atSubscription = await provisionIdentity(graph, "subscription-reader");
    await grant(atGroup, SECRETS_USER, vaultId.split("/providers/")[0] ?? "");
    await grant(atSubscription, SECRETS_USER, `/subscriptions/${cloud.subscriptionId}`);
    expect((await as(atGroup).getSecret("shared")).value).toBe("the value");
    expect((await as(atSubscription).getSecret("shared")).value).toBe("the value");
  });

  it("refuses everyone on a vault in the access-policy model, which the sandbox has no policies for", async () => {
    const arm = resourcesClient(cloud, orchestrator);
    const policies = await arm.resources.beginCreateOrUpdateByIdAndWait(
      `${vaultId.split("/providers/")[0]}/providers/Microsoft.KeyVault/vaults/kv-policies`,
      "2023-07-01",
      { location: "eastus", properties: { enableRbacAuthorization: false } },
      { updateIntervalInMs: 0 },
    );
    const uri = (policies.properties as { vaultUri: string }).vaultUri;
    const error = await failure(secretClient(uri, orchestrator).setSecret("any", "value"));
    expect(error.statusCode).toBe(403);
    expect(innerCode(error)).toBe("ForbiddenByPolicy");
  });
});

describe("replication delay", () => {
  it("lets a new grant take effect only once the delay has passed", async () => {
    const delayMs = 1_000;
    const delayed = await startWithOrchestrator({ realism: { replicationDelayMs: delayMs } });
    try {
      const started = Date.now();
      const vault = await createSandboxKeyVault(delayed.cloud, {
        name: "kv-delay",
        officers: ["orchestrator"],
      });
      // createSandboxKeyVault waits the delay out: a deployment is long finished when services start.
      expect(Date.now() - started).toBeGreaterThanOrEqual(delayMs);
      await secretClient(vault.vaultUri, delayed.orchestrator).setSecret("after-deploy", "value");

      delayed.cloud.registerPrincipal({
        clientId: "late",
        secret: "late-secret",
        subscriptionScopes: [`/subscriptions/${delayed.cloud.subscriptionId}`],
      });
      await authorizationClient(delayed.cloud, delayed.orchestrator).roleAssignments.create(
        vault.id,
        randomUUID(),
        {
          roleDefinitionId: `/subscriptions/${delayed.cloud.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${SECRETS_USER}`,
          principalId: bootstrapObjectId("late"),
          principalType: "ServicePrincipal",
        },
      );
      const late = secretClient(vault.vaultUri, credential(delayed.cloud, "late", "late-secret"));
      expect((await failure(late.getSecret("after-deploy"))).statusCode).toBe(403);
      await delay(delayMs);
      expect((await late.getSecret("after-deploy")).value).toBe("value");
    } finally {
      await delayed.cloud.close();
    }
  });
});
