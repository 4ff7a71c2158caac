// realism.keyVaultOperationDelayMs through the real SecretClient: a secret delete and a purge finish a
// while after Key Vault answers them, and what a caller sees meanwhile.
import type { SecretClient } from "@azure/keyvault-secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandboxKeyVault, type SandboxCloud } from "./index.ts";
import { collect, failure } from "./test-support/clients.ts";
import { secretClient } from "./test-support/key-vault.ts";
import { startWithOrchestrator } from "./test-support/orchestrated-cloud.ts";

// Long enough that the checks made while an operation finishes all fit in it on a loaded machine.
const DELAY_MS = 1_500;

let cloud: SandboxCloud;
let client: SecretClient;

beforeAll(async () => {
  const started = await startWithOrchestrator({
    realism: { keyVaultSoftDelete: true, keyVaultOperationDelayMs: DELAY_MS },
  });
  cloud = started.cloud;
  const vault = await createSandboxKeyVault(cloud, { name: "kv-delay", officers: ["orchestrator"] });
  client = secretClient(vault.vaultUri, started.orchestrator);
});

afterAll(() => cloud.close());

function innerCode(error: Record<string, unknown>): string | undefined {
  return (error.details as { error?: { innerError?: { code?: string } } }).error?.innerError?.code;
}

describe("Key Vault with delete and purge taking a while", () => {
  it("keeps a deleting secret out of every list and its name blocked until the delete finishes", async () => {
    await client.setSecret("deleting", "value");
    const started = Date.now();
    // Sends the DELETE and one poll, which finds nothing deleted yet.
    const poller = await client.beginDeleteSecret("deleting", { intervalInMs: 50 });
    expect(poller.isDone()).toBe(false);

    expect((await failure(client.getSecret("deleting"))).statusCode).toBe(404);
    expect((await failure(client.getDeletedSecret("deleting"))).statusCode).toBe(404);
    expect((await collect(client.listDeletedSecrets())).map((s) => s.name)).not.toContain("deleting");
    const set = await failure(client.setSecret("deleting", "again"));
    expect(set.statusCode).toBe(409);
    expect(innerCode(set)).toBe("ObjectIsBeingDeleted");
    expect(String(set.message)).toContain("currently being deleted");
    const purge = await failure(client.purgeDeletedSecret("deleting"));
    expect(purge.statusCode).toBe(409);
    expect(innerCode(purge)).toBe("ObjectIsBeingDeleted");
    const recover = await failure(client.beginRecoverDeletedSecret("deleting"));
    expect(recover.statusCode).toBe(409);
    expect(innerCode(recover)).toBe("ObjectIsBeingDeleted");
    expect(Date.now() - started).toBeLessThan(DELAY_MS);

    // The SDK's delete poller is what waits it out.
    const deleted = await poller.pollUntilDone();
    expect(Date.now() - started).toBeGreaterThanOrEqual(DELAY_MS);
    expect(deleted.properties.recoveryId).toMatch(/\/deletedsecrets\/deleting$/);
    expect((await client.getDeletedSecret("deleting")).name).toBe("deleting");
    expect((await collect(client.listDeletedSecrets())).map((s) => s.name)).toContain("deleting");
    expect(innerCode(await failure(client.setSecret("deleting", "again")))).toBe(
      "ObjectIsDeletedButRecoverable",
    );
  });

  it("frees a purged name only once the purge finishes, though the deleted secret is gone at once", async () => {
    await client.setSecret("purging", "value");
    await (await client.beginDeleteSecret("purging", { intervalInMs: 50 })).pollUntilDone();
    const started = Date.now();
    await client.purgeDeletedSecret("purging");

    // Key Vault has nothing to poll for a purge: the deleted secret is gone, the name still taken.
    expect((await failure(client.getDeletedSecret("purging"))).statusCode).toBe(404);
    expect((await failure(client.purgeDeletedSecret("purging"))).statusCode).toBe(404);
    const set = await failure(client.setSecret("purging", "again"));
    expect(set.statusCode).toBe(409);
    expect(innerCode(set)).toBe("ObjectIsBeingDeleted");
    expect(String(set.message)).toContain("cannot be re-created; retry later");
    expect(Date.now() - started).toBeLessThan(DELAY_MS);

    await new Promise((resolve) => setTimeout(resolve, DELAY_MS - (Date.now() - started)));
    await client.setSecret("purging", "again");
    expect((await client.getSecret("purging")).value).toBe("again");
  });

  it("leaves every other name alone while one is being deleted", async () => {
    await client.setSecret("neighbour", "value");
    await client.setSecret("going", "value");
    const poller = await client.beginDeleteSecret("going", { intervalInMs: 50 });
    await client.setSecret("neighbour", "newer");
    expect((await client.getSecret("neighbour")).value).toBe("newer");
    await poller.pollUntilDone();
  });
});
