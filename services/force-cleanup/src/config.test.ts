import { ContainerAppsJobRuntime, ProcessRuntime } from "@haymaker/runtime";
import { FileSecretStore, KeyVaultSecretStore } from "@haymaker/stores";
import { describe, expect, it } from "vitest";
import { forceCleanupConfig } from "./config.ts";

const good = {
  HAYMAKER_SERVICEBUS_CONNECTION_STRING:
    "Endpoint=sb://localhost:5672;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;",
  HAYMAKER_TENANT_ID: "0a1b2c3d-0000-4000-8000-000000000004",
  HAYMAKER_SUBSCRIPTION_ID: "11111111-2222-3333-4444-555555555555",
  HAYMAKER_CLIENT_ID: "haymaker",
  HAYMAKER_CLIENT_SECRET: "not-a-real-secret",
};

describe("force-cleanup settings", () => {
  it("defaults the data directory and log level, and builds the cloud client for the subscription", () => {
    const config = forceCleanupConfig(good);
    expect(config).toMatchObject({ dataDirectory: ".haymaker", logLevel: "info" });
    expect(config.cloud.subscriptionId).toBe(good.HAYMAKER_SUBSCRIPTION_ID);
    expect(forceCleanupConfig({ ...good, HAYMAKER_DATA_DIR: "/var/lib/haymaker" }).dataDirectory).toBe(
      "/var/lib/haymaker",
    );
  });

  it("names every bad variable at once — its own, the bus's and the cloud's — and never a value", () => {
    const attempt = () =>
      forceCleanupConfig({
        HAYMAKER_DATA_DIR: "",
        HAYMAKER_LOG_LEVEL: "loud",
        HAYMAKER_SERVICEBUS_CONNECTION_STRING: "SharedAccessKey=hunter2",
        HAYMAKER_SUBSCRIPTION_ID: "not-a-guid",
      });
    expect(attempt).toThrow(/^force-cleanup cannot start/);
    expect(attempt).toThrow(/HAYMAKER_DATA_DIR: must not be empty/);
    expect(attempt).toThrow(/HAYMAKER_LOG_LEVEL: must be one of/);
    expect(attempt).toThrow(/HAYMAKER_SERVICEBUS_CONNECTION_STRING: must start with Endpoint=sb:/);
    expect(attempt).toThrow(/HAYMAKER_TENANT_ID: is required/);
    expect(attempt).toThrow(/HAYMAKER_SUBSCRIPTION_ID: must be a GUID/);
    expect(attempt).not.toThrow(/hunter2/);
  });

  it("reads the secret store and the agent runtime with the rest, and names their problems with every other part's", () => {
    const local = forceCleanupConfig(good);
    expect(local.secrets).toBeInstanceOf(FileSecretStore);
    expect(local.agents).toBeInstanceOf(ProcessRuntime);
    const azure = forceCleanupConfig({
      ...good,
      HAYMAKER_KEY_VAULT_URI: "https://contoso.vault.azure.net/",
      HAYMAKER_AGENT_JOB_ID: `/subscriptions/${good.HAYMAKER_SUBSCRIPTION_ID}/resourceGroups/hm/providers/Microsoft.App/jobs/agent`,
    });
    expect(azure.secrets).toBeInstanceOf(KeyVaultSecretStore);
    expect(azure.agents).toBeInstanceOf(ContainerAppsJobRuntime);
    const attempt = () =>
      forceCleanupConfig({
        ...good,
        HAYMAKER_LOG_LEVEL: "loud",
        HAYMAKER_KEY_VAULT_URI: "https://contoso.vault.azure.net/?x=1",
        HAYMAKER_AGENT_GRACE: "two minutes",
      });
    expect(attempt).toThrow(/^force-cleanup cannot start/);
    expect(attempt).toThrow(/HAYMAKER_LOG_LEVEL: must be one of/);
    expect(attempt).toThrow(/HAYMAKER_KEY_VAULT_URI: must be a Key Vault's URI/);
    expect(attempt).toThrow(/HAYMAKER_AGENT_GRACE: must be an ISO 8601 duration/);
    expect(attempt).not.toThrow(/not-a-real-secret/);
  });
});
