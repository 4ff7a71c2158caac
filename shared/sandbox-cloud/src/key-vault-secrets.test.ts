// The sandbox's Key Vault data plane through the real SecretClient: what HayMaker's secret store relies on.
import { parseKeyVaultSecretIdentifier, type SecretClient } from "@azure/keyvault-secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandboxKeyVault, type SandboxCloud } from "./index.ts";
import { collect, failure } from "./test-support/clients.ts";
import { secretClient } from "./test-support/key-vault.ts";
import { startWithOrchestrator } from "./test-support/orchestrated-cloud.ts";

interface Vaults {
  cloud: SandboxCloud;
  client: SecretClient;
  vaultUri: string;
}

async function startVault(keyVaultSoftDelete: boolean, purgeProtection = false): Promise<Vaults> {
  const { cloud, orchestrator } = await startWithOrchestrator({ realism: { keyVaultSoftDelete } });
  const vault = await createSandboxKeyVault(cloud, {
    name: "kv-secrets",
    officers: ["orchestrator"],
    purgeProtection,
  });
  return { cloud, client: secretClient(vault.vaultUri, orchestrator), vaultUri: vault.vaultUri };
}

function innerCode(error: Record<string, unknown>): string | undefined {
  return (error.details as { error?: { innerError?: { code?: string } } }).error?.innerError?.code;
}

describe("with soft delete (Azure's behaviour)", () => {
  let v: Vaults;
  beforeAll(async () => {
    v = await startVault(true);
  });
  afterAll(() => v.cloud.close());

  it("sets and gets a secret under an id the SDK parses back to the vault, name and version", async () => {
    const set = await v.client.setSecret("round-trip", "pä$$ wörd 🔑\n", { contentType: "text/plain" });
    const id = set.properties.id ?? "";
    expect(id).toMatch(new RegExp(`^${v.vaultUri}secrets/round-trip/[0-9a-f]{32}$`));
    const parsed = parseKeyVaultSecretIdentifier(id);
    expect(`${parsed.vaultUrl}/`).toBe(v.vaultUri);
    expect(parsed.name).toBe("round-trip");
    expect(set.properties.recoveryLevel).toBe("Recoverable+Purgeable");
    expect(set.properties.recoverableDays).toBe(90);
    const got = await v.client.getSecret("ROUND-TRIP");
    expect(got.value).toBe("pä$$ wörd 🔑\n");
    expect(got.properties.contentType).toBe("text/plain");
    expect(got.name).toBe("round-trip");
  });

  it("keeps every version: the newest by name, an older one by its version", async () => {
    const first = await v.client.setSecret("versioned", "one");
    await v.client.setSecret("Versioned", "two");
    expect((await v.client.getSecret("versioned")).value).toBe("two");
    const older = await v.client.getSecret("versioned", { version: first.properties.version ?? "" });
    expect(older.value).toBe("one");
    const versions = await collect(v.client.listPropertiesOfSecretVersions("versioned"));
    expect(versions.map((p) => p.version).sort()).toHaveLength(2);
    const names = (await collect(v.client.listPropertiesOfSecrets())).map((p) => p.name);
    expect(names).toContain("versioned");
    // A name keeps the casing it was first set with.
    expect(names).not.toContain("Versioned");
  });

  it("pages a list of more secrets than one page holds", async () => {
    for (let i = 0; i < 27; i++) await v.client.setSecret(`paged-${i}`, "x");
    const names = (await collect(v.client.listPropertiesOfSecrets())).map((p) => p.name);
    expect(names.filter((n) => n?.startsWith("paged-"))).toHaveLength(27);
  });

  it("keeps a deleted secret recoverable, its name taken, until it is purged", async () => {
    await v.client.setSecret("soft", "before");
    const deleted = await (await v.client.beginDeleteSecret("soft")).pollUntilDone();
    expect(deleted.properties.recoveryId).toBe(`${v.vaultUri}deletedsecrets/soft`);
    expect(deleted.properties.deletedOn).toBeInstanceOf(Date);
    const days = ((deleted.properties.scheduledPurgeDate?.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89);
    expect(days).toBeLessThanOrEqual(90);

    const missing = await failure(v.client.getSecret("soft"));
    expect(missing.statusCode).toBe(404);
    expect(missing.code).toBe("SecretNotFound");
    const taken = await failure(v.client.setSecret("soft", "again"));
    expect(taken.statusCode).toBe(409);
    expect(innerCode(taken)).toBe("ObjectIsDeletedButRecoverable");
    expect((await v.client.getDeletedSecret("soft")).name).toBe("soft");
    expect((await collect(v.client.listDeletedSecrets())).map((s) => s.name)).toContain("soft");

    await v.client.purgeDeletedSecret("soft");
    expect((await failure(v.client.getDeletedSecret("soft"))).statusCode).toBe(404);
    await v.client.setSecret("soft", "after");
    expect((await v.client.getSecret("soft")).value).toBe("after");
  });

  it("recovers a deleted secret with its value", async () => {
    await v.client.setSecret("recoverable", "kept");
    await (await v.client.beginDeleteSecret("recoverable")).pollUntilDone();
    await (await v.client.beginRecoverDeletedSecret("recoverable")).pollUntilDone();
    expect((await v.client.getSecret("recoverable")).value).toBe("kept");
  });

  it("answers 404 for deleting, purging or recovering what is not there", async () => {
    expect((await failure(v.client.beginDeleteSecret("never-set"))).statusCode).toBe(404);
    expect((await failure(v.client.purgeDeletedSecret("never-set"))).statusCode).toBe(404);
    expect((await failure(v.client.getDeletedSecret("never-set"))).statusCode).toBe(404);
  });

  it("refuses names and values Key Vault refuses, with BadParameter", async () => {
    for (const name of ["under_score", "dot.name", "x".repeat(128)]) {
      const error = await failure(v.client.setSecret(name, "value"));
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe("BadParameter");
    }
    const tooLarge = await failure(v.client.setSecret("too-large", "v".repeat(25 * 1024 + 1)));
    expect(tooLarge.statusCode).toBe(400);
    expect(String(tooLarge.message)).not.toContain("vvvv");
    const largest = "v".repeat(25 * 1024);
    await v.client.setSecret("largest", largest);
    expect((await v.client.getSecret("largest")).value).toBe(largest);
  });

  it("refuses to read a disabled secret", async () => {
    await v.client.setSecret("disabled", "value", { enabled: false });
    const error = await failure(v.client.getSecret("disabled"));
    expect(error.statusCode).toBe(403);
    expect(innerCode(error)).toBe("SecretDisabled");
  });
});

describe("without soft delete", () => {
  let v: Vaults;
  beforeAll(async () => {
    v = await startVault(false);
  });
  afterAll(() => v.cloud.close());

  it("deletes for good: no recovery id, the name free at once, nothing to purge", async () => {
    await v.client.setSecret("final", "before");
    const deleted = await (await v.client.beginDeleteSecret("final")).pollUntilDone();
    expect(deleted.properties.recoveryId).toBeUndefined();
    expect(deleted.properties.recoveryLevel).toBe("Purgeable");
    await v.client.setSecret("final", "after");
    expect((await v.client.getSecret("final")).value).toBe("after");
    const purge = await failure(v.client.purgeDeletedSecret("final"));
    expect(purge.statusCode).toBe(400);
    expect(purge.code).toBe("NotSupported");
  });
});

describe("with purge protection", () => {
  let v: Vaults;
  beforeAll(async () => {
    v = await startVault(true, true);
  });
  afterAll(() => v.cloud.close());

  it("refuses to purge, so a deleted name stays taken", async () => {
    await v.client.setSecret("protected", "value");
    const deleted = await (await v.client.beginDeleteSecret("protected")).pollUntilDone();
    expect(deleted.properties.recoveryLevel).toBe("Recoverable");
    const purge = await failure(v.client.purgeDeletedSecret("protected"));
    expect(purge.statusCode).toBe(403);
    expect(String(purge.message)).toMatch(/purge protection is enabled/);
    expect((await failure(v.client.setSecret("protected", "again"))).statusCode).toBe(409);
  });
});
