// Microsoft.KeyVault/vaults through ARM: the properties Key Vault's resource provider settles, its name
// rules, and a vault's data plane living exactly as long as the vault (and coming back after a restart).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResourceManagementClient } from "@azure/arm-resources";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandboxKeyVault, type SandboxCloud, type SandboxCredential } from "./index.ts";
import { failure, resourcesClient } from "./test-support/clients.ts";
import { secretClient } from "./test-support/key-vault.ts";
import { startWithOrchestrator } from "./test-support/orchestrated-cloud.ts";

const api = "2023-07-01";
const fast = { updateIntervalInMs: 0 };

let cloud: SandboxCloud;
let orchestrator: SandboxCredential;
let arm: ResourceManagementClient;

beforeAll(async () => {
  ({ cloud, orchestrator } = await startWithOrchestrator({ realism: { keyVaultSoftDelete: true } }));
  arm = resourcesClient(cloud, orchestrator);
  await arm.resourceGroups.createOrUpdate("rg-vaults", { location: "eastus" });
});

afterAll(async () => {
  await cloud.close();
});

const vaultId = (name: string, group = "rg-vaults") =>
  `/subscriptions/${cloud.subscriptionId}/resourceGroups/${group}/providers/Microsoft.KeyVault/vaults/${name}`;

function put(name: string, properties: Record<string, unknown>, group = "rg-vaults") {
  return arm.resources.beginCreateOrUpdateByIdAndWait(
    vaultId(name, group),
    api,
    { location: "eastus", properties },
    fast,
  );
}

async function refused(promise: Promise<unknown>): Promise<{ status: unknown; code: unknown }> {
  const error = await failure(promise);
  return { status: error.statusCode, code: error.code };
}

async function reachable(vaultUri: string): Promise<boolean> {
  return fetch(`${vaultUri}secrets?api-version=7.6`).then(
    () => true,
    () => false,
  );
}

describe("a vault's properties", () => {
  it("answers the vault's own address and Key Vault's settings", async () => {
    await put("kv-props", { tenantId: cloud.tenantId, enableRbacAuthorization: true });
    const vault = await arm.resources.getById(vaultId("kv-props"), api);
    const properties = vault.properties as Record<string, unknown>;
    expect(properties.vaultUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(properties.vaultUri).not.toContain(new URL(cloud.url).port);
    expect(properties).toMatchObject({
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      enablePurgeProtection: false,
      softDeleteRetentionInDays: 90,
      tenantId: cloud.tenantId,
      provisioningState: "Succeeded",
    });
  });

  it("keeps the address across updates, whatever a caller sends", async () => {
    const created = await put("kv-stable", {});
    const uri = (created.properties as { vaultUri: string }).vaultUri;
    const updated = await put("kv-stable", {
      vaultUri: "http://127.0.0.1:1/",
      enableRbacAuthorization: true,
    });
    expect((updated.properties as { vaultUri: string }).vaultUri).toBe(uri);
  });

  it("keeps soft delete and purge protection on once on, as they are irreversible", async () => {
    expect(await refused(put("kv-no-soft", { enableSoftDelete: false }))).toEqual({
      status: 400,
      code: "BadRequest",
    });
    await put("kv-protected", { enablePurgeProtection: true });
    expect(await refused(put("kv-protected", { enablePurgeProtection: false }))).toEqual({
      status: 400,
      code: "BadRequest",
    });
    const kept = await put("kv-protected", {});
    expect((kept.properties as { enablePurgeProtection: boolean }).enablePurgeProtection).toBe(true);
  });

  it("refuses a retention outside 7 to 90 days", async () => {
    expect(await refused(put("kv-retention", { softDeleteRetentionInDays: 6 }))).toEqual({
      status: 400,
      code: "BadRequest",
    });
  });
});

describe("vault names", () => {
  it.each(["ab", "1starts-with-digit", "ends-with-hyphen-", "two--hyphens", "x".repeat(25), "under_score"])(
    "refuses %s with VaultNameNotValid",
    async (name) => {
      expect(await refused(put(name, {}))).toEqual({ status: 400, code: "VaultNameNotValid" });
    },
  );

  it("refuses a name another group's vault already has, as vault names are global", async () => {
    await arm.resourceGroups.createOrUpdate("rg-elsewhere", { location: "eastus" });
    await put("kv-unique", {});
    expect(await refused(put("KV-UNIQUE", {}, "rg-elsewhere"))).toEqual({
      status: 409,
      code: "VaultAlreadyExists",
    });
  });
});

describe("a vault's data plane", () => {
  it("stops with the vault, and a vault made again under the name starts empty", async () => {
    const first = await createSandboxKeyVault(cloud, { name: "kv-reborn", officers: ["orchestrator"] });
    await secretClient(first.vaultUri, orchestrator).setSecret("kept", "value");
    await arm.resources.beginDeleteByIdAndWait(first.id, api, fast);
    expect(await reachable(first.vaultUri)).toBe(false);
    const second = await createSandboxKeyVault(cloud, { name: "kv-reborn", officers: ["orchestrator"] });
    const missing = await failure(secretClient(second.vaultUri, orchestrator).getSecret("kept"));
    expect(missing.statusCode).toBe(404);
  });

  it("stops when the vault's group is deleted", async () => {
    const vault = await createSandboxKeyVault(cloud, {
      name: "kv-in-doomed",
      resourceGroup: "rg-doomed",
      officers: ["orchestrator"],
    });
    expect(await reachable(vault.vaultUri)).toBe(true);
    await arm.resourceGroups.beginDeleteAndWait("rg-doomed", fast);
    expect(await reachable(vault.vaultUri)).toBe(false);
  });

  it("is served again, secrets and all, when the sandbox reopens its data directory, and stops on close", async () => {
    const dataDirectory = await mkdtemp(join(tmpdir(), "sandbox-kv-"));
    try {
      const first = await startWithOrchestrator({ dataDirectory });
      const vault = await createSandboxKeyVault(first.cloud, { name: "kv-kept", officers: ["orchestrator"] });
      await secretClient(vault.vaultUri, first.orchestrator).setSecret("survives", "value");
      await first.cloud.close();
      expect(await reachable(vault.vaultUri)).toBe(false);

      const second = await startWithOrchestrator({ dataDirectory });
      try {
        const again = await createSandboxKeyVault(second.cloud, {
          name: "kv-kept",
          officers: ["orchestrator"],
        });
        expect(again.vaultUri).toBe(vault.vaultUri);
        expect((await secretClient(again.vaultUri, second.orchestrator).getSecret("survives")).value).toBe(
          "value",
        );
      } finally {
        await second.cloud.close();
      }
    } finally {
      await rm(dataDirectory, { recursive: true, force: true });
    }
  });
});
