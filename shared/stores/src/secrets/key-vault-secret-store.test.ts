// KeyVaultSecretStore through the real SecretClient against the sandbox cloud's Key Vault: the port's
// contract with Key Vault's soft delete on (as in Azure) and off, and with deletes and purges that finish a
// while after their answer (as in Azure), then what soft delete, purge protection, those delays and RBAC
// make the adapter do.
import { inspect } from "node:util";
import { SecretClient } from "@azure/keyvault-secrets";
import {
  createSandboxKeyVault,
  type Realism,
  type SandboxCloud,
  SandboxCredential,
  type SandboxKeyVaultOptions,
  startSandboxCloud,
} from "@haymaker/sandbox-cloud";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { thrown } from "../contract-helpers.ts";
import { StoreInputError } from "../errors.ts";
import { KeyVaultSecretError, KeyVaultSecretStore } from "./key-vault-secret-store.ts";
import { describeSecretStoreContract } from "./secret-store-contract.ts";

interface Vault {
  cloud: SandboxCloud;
  vaultUri: string;
  /** A client signed in as a principal with the role the test asked for. */
  client(clientId: string): SecretClient;
  store(clientId?: string): KeyVaultSecretStore;
}

const started: SandboxCloud[] = [];

// Short, so the contract stays quick, and long against the store's 10 ms polls.
const OPERATION_DELAY_MS = 300;

async function startVault(
  realism: Partial<Realism>,
  options: Partial<SandboxKeyVaultOptions> = {},
): Promise<Vault> {
  const cloud = await startSandboxCloud({ realism });
  started.push(cloud);
  const scopes = [`/subscriptions/${cloud.subscriptionId}`];
  for (const clientId of ["officer", "reader"]) {
    cloud.registerPrincipal({ clientId, secret: `${clientId}-secret`, subscriptionScopes: scopes });
  }
  const { vaultUri } = await createSandboxKeyVault(cloud, {
    name: "kv-store",
    officers: ["officer"],
    users: ["reader"],
    ...options,
  });
  const client = (clientId: string) =>
    new SecretClient(
      vaultUri,
      new SandboxCredential({
        authorityHost: cloud.url,
        tenantId: cloud.tenantId,
        clientId,
        clientSecret: `${clientId}-secret`,
      }),
      {
        disableChallengeResourceVerification: true,
        allowInsecureConnection: true,
        retryOptions: { maxRetries: 0 },
      },
    );
  return {
    cloud,
    vaultUri,
    client,
    store: (clientId = "officer") =>
      new KeyVaultSecretStore(client(clientId), { pollIntervalMs: 10, settleTimeoutMs: 5_000 }),
  };
}

let softDelete: Vault;
let hardDelete: Vault;
let protectedVault: Vault;
let slow: Vault;

beforeAll(async () => {
  softDelete = await startVault({ keyVaultSoftDelete: true });
  hardDelete = await startVault({ keyVaultSoftDelete: false });
  protectedVault = await startVault({ keyVaultSoftDelete: true }, { purgeProtection: true });
  slow = await startVault({ keyVaultSoftDelete: true, keyVaultOperationDelayMs: OPERATION_DELAY_MS });
});

afterAll(async () => {
  await Promise.all(started.map((cloud) => cloud.close()));
});

describeSecretStoreContract("KeyVaultSecretStore, soft delete on", async () => softDelete.store());
describeSecretStoreContract("KeyVaultSecretStore, soft delete off", async () => hardDelete.store());
describeSecretStoreContract("KeyVaultSecretStore, deletes and purges taking a while", async () =>
  slow.store(),
);

describe("KeyVaultSecretStore on a Key Vault whose deletes and purges take a while", () => {
  it("sets a name again while Key Vault is still purging it, by waiting", async () => {
    const store = slow.store();
    const ref = await store.put("purge-pending", "before");
    expect(await store.delete(ref)).toBe(true);
    // The purge is answered, not finished: the name is still taken.
    const taken = await thrown(() => slow.client("officer").setSecret("purge-pending", "raw"));
    expect((taken as unknown as { statusCode: number }).statusCode).toBe(409);
    expect(await store.put("purge-pending", "after")).toBe(ref);
    expect(await store.get(ref)).toBe("after");
  });

  it("purges a secret whose delete someone else started and nobody waited for", async () => {
    const store = slow.store();
    const client = slow.client("officer");
    const ref = await store.put("delete-pending", "value");
    // The DELETE is sent; its poller is never awaited.
    await client.beginDeleteSecret("delete-pending", { intervalInMs: 60_000 });
    expect(await store.delete(ref)).toBe(false);
    const error = await thrown(() => client.getDeletedSecret("delete-pending"));
    expect((error as unknown as { statusCode: number }).statusCode).toBe(404);
  });

  it("sets a name again while Key Vault is still deleting it, purging once the delete is done", async () => {
    const store = slow.store();
    const ref = await store.put("delete-then-put", "before");
    await slow.client("officer").beginDeleteSecret("delete-then-put", { intervalInMs: 60_000 });
    expect(await store.put("delete-then-put", "after")).toBe(ref);
    expect(await store.get(ref)).toBe("after");
  });
});

describe("KeyVaultSecretStore on Key Vault", () => {
  it("refs a secret by its Key Vault id without a version", async () => {
    const ref = await softDelete.store().put("by-name", "value");
    expect(ref).toBe(`${softDelete.vaultUri}secrets/by-name`);
  });

  it("reads the version a versioned ref names", async () => {
    const store = softDelete.store();
    const first = await softDelete.client("officer").setSecret("pinned", "first");
    await store.put("pinned", "second");
    expect(await store.get(first.properties.id as string)).toBe("first");
    expect(await store.get(`${softDelete.vaultUri}secrets/pinned`)).toBe("second");
  });

  it("purges a deleted secret left under the name before setting it again", async () => {
    const store = softDelete.store();
    const client = softDelete.client("officer");
    await store.put("left-behind", "old");
    // A delete that stopped before its purge (a crash, or someone deleting by hand).
    await (await client.beginDeleteSecret("left-behind")).pollUntilDone();
    const ref = await store.put("left-behind", "new");
    expect(await store.get(ref)).toBe("new");
  });

  it("purges what it deletes, so nothing is left to recover", async () => {
    const store = softDelete.store();
    const ref = await store.put("purged", "value");
    expect(await store.delete(ref)).toBe(true);
    const error = await thrown(() => softDelete.client("officer").getDeletedSecret("purged"));
    expect((error as unknown as { statusCode: number }).statusCode).toBe(404);
  });

  it("answers false for a secret only a deleted copy is left of, and purges that copy", async () => {
    const store = softDelete.store();
    const client = softDelete.client("officer");
    const ref = await store.put("only-deleted", "value");
    await (await client.beginDeleteSecret("only-deleted")).pollUntilDone();
    expect(await store.delete(ref)).toBe(false);
    const error = await thrown(() => client.getDeletedSecret("only-deleted"));
    expect((error as unknown as { statusCode: number }).statusCode).toBe(404);
  });

  it("says what to change when purge protection keeps a deleted secret, without its value", async () => {
    const store = protectedVault.store();
    const value = "Ab38Q~xY7.zK_1mN-pQ2rS3tU4vW5xY6zA7bC8dE";
    const ref = await store.put("protected", value);
    const error = await thrown(() => store.delete(ref));
    expect(error).toBeInstanceOf(KeyVaultSecretError);
    expect(error.message).toMatch(/purge protection on/);
    expect(error.message).not.toContain(value);
    // Deleted but not purged: unreadable, and the name stays taken.
    expect(await store.exists(ref)).toBe(false);
    const again = await thrown(() => store.put("protected", value));
    expect(again.message).toMatch(/purge protection on/);
  });

  it("reports a refused call with Key Vault's reason and never the value", async () => {
    const value = "Ab38Q~xY7.zK_1mN-pQ2rS3tU4vW5xY6zA7bC8dE";
    const reader = softDelete.store("reader");
    const error = await thrown(() => reader.put("not-allowed", value));
    expect(error).toBeInstanceOf(KeyVaultSecretError);
    expect((error as KeyVaultSecretError).statusCode).toBe(403);
    expect((error as KeyVaultSecretError).innerCode).toBe("ForbiddenByRbac");
    expect(error.message).toMatch(
      /^Key Vault set of secret not-allowed in http:\/\/127\.0\.0\.1:\d+ failed: 403/,
    );
    expect(error.message).not.toContain(value);
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(value);
    expect(error.cause).toBeUndefined();
  });

  it("lets a Key Vault Secrets User read what an officer stored", async () => {
    const ref = await softDelete.store().put("shared-read", "value");
    expect(await softDelete.store("reader").get(ref)).toBe("value");
  });

  it("refuses a ref of another vault", async () => {
    const ref = await hardDelete.store().put("elsewhere", "value");
    const error = await thrown(() => softDelete.store().get(ref));
    expect(error).toBeInstanceOf(StoreInputError);
    expect(error.message).toContain("holds secrets of the vault");
  });

  it("describes itself by its vault alone", () => {
    expect(String(softDelete.store())).toBe(`KeyVaultSecretStore(${softDelete.vaultUri.replace(/\/$/, "")})`);
  });
});
