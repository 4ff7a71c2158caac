import { join } from "node:path";
import { ConfigError } from "@haymaker/config";
import { createSandboxKeyVault, type SandboxCloud, startSandboxCloud } from "@haymaker/sandbox-cloud";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { thrown } from "../contract-helpers.ts";
import { temporaryDataDirectory } from "../files/test-data-directory.ts";
import { secretStoreFromEnv } from "./secret-store-from-env.ts";

const TENANT = "00000000-0000-4000-8000-000000000001";
const azure = {
  HAYMAKER_TENANT_ID: TENANT,
  HAYMAKER_CLIENT_ID: "haymaker",
  HAYMAKER_CLIENT_SECRET: "client-secret-value",
};

function problemsOf(error: Error): readonly string[] {
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems;
}

describe("secretStoreFromEnv", () => {
  let cloud: SandboxCloud;
  let vaultUri: string;
  beforeAll(async () => {
    cloud = await startSandboxCloud({ realism: { keyVaultSoftDelete: true } });
    cloud.registerPrincipal({
      clientId: "haymaker",
      secret: "orchestrator-secret",
      subscriptionScopes: [`/subscriptions/${cloud.subscriptionId}`],
    });
    ({ vaultUri } = await createSandboxKeyVault(cloud, { name: "kv-from-env", officers: ["haymaker"] }));
  });
  afterAll(() => cloud.close());

  it("keeps secrets in files under HAYMAKER_DATA_DIR when no vault is named", async () => {
    const dataDirectory = await temporaryDataDirectory();
    const store = secretStoreFromEnv({ HAYMAKER_DATA_DIR: dataDirectory }, "test");
    expect(String(store)).toBe(`FileSecretStore(${join(dataDirectory, "secrets")})`);
    expect(await store.put("local-one", "value")).toBe("local:local-one");
  });

  it("uses the sandbox cloud's vault, signed in as HayMaker's identity through the sandbox", async () => {
    const store = secretStoreFromEnv(
      {
        HAYMAKER_KEY_VAULT_URI: vaultUri,
        HAYMAKER_ARM_ENDPOINT: cloud.url,
        HAYMAKER_TENANT_ID: cloud.tenantId,
        HAYMAKER_CLIENT_ID: "haymaker",
        HAYMAKER_CLIENT_SECRET: "orchestrator-secret",
      },
      "test",
    );
    const ref = await store.put("from-env", "value");
    expect(ref).toBe(`${vaultUri}secrets/from-env`);
    expect(await store.get(ref)).toBe("value");
    expect(await store.delete(ref)).toBe(true);
  });

  it("uses an Azure vault without touching the network to build it", () => {
    const store = secretStoreFromEnv(
      { ...azure, HAYMAKER_KEY_VAULT_URI: "https://kv-haymaker.vault.azure.net/" },
      "test",
    );
    expect(String(store)).toBe("KeyVaultSecretStore(https://kv-haymaker.vault.azure.net)");
    // Without a client secret: the managed identity (DefaultAzureCredential).
    const managed = secretStoreFromEnv(
      { HAYMAKER_TENANT_ID: TENANT, HAYMAKER_KEY_VAULT_URI: "https://kv-haymaker.vault.azure.net" },
      "test",
    );
    expect(String(managed)).toBe("KeyVaultSecretStore(https://kv-haymaker.vault.azure.net)");
  });

  it.each([
    ["plain http off loopback", "http://kv-haymaker.vault.azure.net/"],
    ["not a vault's host", "https://example.com/"],
    ["a path", "https://kv-haymaker.vault.azure.net/secrets/x"],
    ["a query", "https://kv-haymaker.vault.azure.net/?sig=abc"],
    ["not a URL", "kv-haymaker"],
    ["empty", ""],
  ])("refuses a vault URI with %s, without echoing it", async (_, uri) => {
    const error = await thrown(async () =>
      secretStoreFromEnv({ ...azure, HAYMAKER_KEY_VAULT_URI: uri }, "test"),
    );
    const problems = problemsOf(error);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^HAYMAKER_KEY_VAULT_URI: /);
    if (uri !== "") expect(error.message).not.toContain(uri);
  });

  it("names every bad variable at once, HayMaker's identity's included, and no secret", async () => {
    const error = await thrown(async () =>
      secretStoreFromEnv(
        {
          HAYMAKER_KEY_VAULT_URI: "http://10.0.0.1:8080/",
          HAYMAKER_TENANT_ID: "not-a-guid",
          HAYMAKER_CLIENT_SECRET: "client-secret-value",
          HAYMAKER_DATA_DIR: "",
        },
        "provision",
      ),
    );
    const variables = problemsOf(error).map((p) => p.split(":")[0]);
    expect(variables).toEqual(["HAYMAKER_KEY_VAULT_URI", "HAYMAKER_DATA_DIR", "HAYMAKER_TENANT_ID"]);
    expect(error.message).toMatch(/^provision cannot start/);
    expect(error.message).not.toContain("client-secret-value");
  });

  it("refuses a vault and an identity from different clouds", async () => {
    const sandboxVault = await thrown(async () =>
      secretStoreFromEnv({ ...azure, HAYMAKER_KEY_VAULT_URI: "http://127.0.0.1:4567/" }, "test"),
    );
    expect(problemsOf(sandboxVault)[0]).toMatch(/^HAYMAKER_KEY_VAULT_URI: the sandbox cloud's vault/);
    const azureVault = await thrown(async () =>
      secretStoreFromEnv(
        {
          ...azure,
          HAYMAKER_ARM_ENDPOINT: "http://127.0.0.1:4568",
          HAYMAKER_KEY_VAULT_URI: "https://kv-x.vault.azure.net",
        },
        "test",
      ),
    );
    expect(problemsOf(azureVault)[0]).toMatch(/^HAYMAKER_KEY_VAULT_URI: an Azure vault/);
    expect(azureVault.message).not.toContain("client-secret-value");
  });
});
