import { FileSecretStore, KeyVaultSecretStore } from "@haymaker/stores";
import { describe, expect, it } from "vitest";
import { verifyCleanupConfig } from "./config.ts";

const good = {
  HAYMAKER_SERVICEBUS_CONNECTION_STRING:
    "Endpoint=sb://localhost:5672;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;",
  HAYMAKER_TENANT_ID: "0a1b2c3d-0000-4000-8000-000000000004",
  HAYMAKER_SUBSCRIPTION_ID: "11111111-2222-3333-4444-555555555555",
  HAYMAKER_CLIENT_ID: "haymaker",
  HAYMAKER_CLIENT_SECRET: "not-a-real-secret",
};

describe("verify-cleanup settings", () => {
  it("defaults the data directory and log level, and builds the cloud client for the subscription", () => {
    const config = verifyCleanupConfig(good);
    expect(config).toMatchObject({ dataDirectory: ".haymaker", logLevel: "info" });
    expect(config.cloud.subscriptionId).toBe(good.HAYMAKER_SUBSCRIPTION_ID);
    expect(verifyCleanupConfig({ ...good, HAYMAKER_DATA_DIR: "/var/lib/haymaker" }).dataDirectory).toBe(
      "/var/lib/haymaker",
    );
  });

  it("names every bad variable at once — its own, the bus's and the cloud's — and never a value", () => {
    const attempt = () =>
      verifyCleanupConfig({
        HAYMAKER_DATA_DIR: "",
        HAYMAKER_LOG_LEVEL: "loud",
        HAYMAKER_SERVICEBUS_CONNECTION_STRING: "SharedAccessKey=hunter2",
        HAYMAKER_SUBSCRIPTION_ID: "not-a-guid",
      });
    expect(attempt).toThrow(/^verify-cleanup cannot start/);
    expect(attempt).toThrow(/HAYMAKER_DATA_DIR: must not be empty/);
    expect(attempt).toThrow(/HAYMAKER_LOG_LEVEL: must be one of/);
    expect(attempt).toThrow(/HAYMAKER_SERVICEBUS_CONNECTION_STRING: must start with Endpoint=sb:/);
    expect(attempt).toThrow(/HAYMAKER_TENANT_ID: is required/);
    expect(attempt).toThrow(/HAYMAKER_SUBSCRIPTION_ID: must be a GUID/);
    expect(attempt).not.toThrow(/hunter2/);
  });

  it("reads the secret store with the rest: Key Vault when named, and its problems named with every other part's", () => {
    expect(verifyCleanupConfig(good).secrets).toBeInstanceOf(FileSecretStore);
    const vault = { ...good, HAYMAKER_KEY_VAULT_URI: "https://contoso.vault.azure.net/" };
    expect(verifyCleanupConfig(vault).secrets).toBeInstanceOf(KeyVaultSecretStore);
    const attempt = () =>
      verifyCleanupConfig({
        ...good,
        HAYMAKER_LOG_LEVEL: "loud",
        HAYMAKER_KEY_VAULT_URI: "https://contoso.vault.azure.net/?x=1",
      });
    expect(attempt).toThrow(/^verify-cleanup cannot start/);
    expect(attempt).toThrow(/HAYMAKER_LOG_LEVEL: must be one of/);
    expect(attempt).toThrow(/HAYMAKER_KEY_VAULT_URI: must be a Key Vault's URI/);
    expect(attempt).not.toThrow(/not-a-real-secret/);
  });
});
