import { FileSecretStore, KeyVaultSecretStore } from "@haymaker/stores";
import { describe, expect, it } from "vitest";
import { provisionConfig } from "./config.ts";

const good = {
  HAYMAKER_SERVICEBUS_CONNECTION_STRING:
    "Endpoint=sb://localhost:5672;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;",
  HAYMAKER_TENANT_ID: "0a1b2c3d-0000-4000-8000-000000000004",
  HAYMAKER_SUBSCRIPTION_ID: "11111111-2222-3333-4444-555555555555",
  HAYMAKER_CLIENT_ID: "haymaker",
  HAYMAKER_CLIENT_SECRET: "not-a-real-secret",
};

describe("provision settings", () => {
  it("keeps secrets and the ledger under the data directory unless Key Vault and Cosmos DB are named", () => {
    const local = provisionConfig(good);
    expect(local).toMatchObject({
      dataDirectory: ".haymaker",
      scenariosDirectory: "scenarios",
      concurrency: 4,
    });
    expect(local.secrets).toBeInstanceOf(FileSecretStore);
    expect(local.cosmos).toBeUndefined();
    const azure = provisionConfig({
      ...good,
      HAYMAKER_KEY_VAULT_URI: "https://contoso.vault.azure.net/",
      HAYMAKER_COSMOS_ENDPOINT: "https://contoso.documents.azure.com:443/",
    });
    expect(azure.secrets).toBeInstanceOf(KeyVaultSecretStore);
    expect(azure.cosmos).toMatchObject({ endpoint: "https://contoso.documents.azure.com:443/" });
  });

  it("names every bad variable of every part at once — its own, the bus's, the cloud's, the secret store's, Cosmos DB's — and never a value", () => {
    const attempt = () =>
      provisionConfig({
        HAYMAKER_PROVISION_CONCURRENCY: "0",
        HAYMAKER_SERVICEBUS_CONNECTION_STRING: "SharedAccessKey=hunter2",
        HAYMAKER_SUBSCRIPTION_ID: "not-a-guid",
        HAYMAKER_KEY_VAULT_URI: "https://contoso.vault.azure.net/secrets?x=1",
        HAYMAKER_COSMOS_DATABASE: "a/b",
        HAYMAKER_COSMOS_KEY: "s3cret-key",
      });
    expect(attempt).toThrow(/^provision cannot start/);
    expect(attempt).toThrow(/HAYMAKER_PROVISION_CONCURRENCY: must be a whole number/);
    expect(attempt).toThrow(/HAYMAKER_SERVICEBUS_CONNECTION_STRING: must start with Endpoint=sb:/);
    expect(attempt).toThrow(/HAYMAKER_SUBSCRIPTION_ID: must be a GUID/);
    expect(attempt).toThrow(/HAYMAKER_KEY_VAULT_URI: must be a Key Vault's URI/);
    expect(attempt).toThrow(/HAYMAKER_COSMOS_DATABASE: must be a database name/);
    expect(attempt).not.toThrow(/hunter2|s3cret-key/);
  });
});
