// The API key contract against both adapters: SQLite (replicas = connections to one file) and Cosmos DB on
// the emulator (replicas = clients of their own on one state container).
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@haymaker/config";
import { type CosmosConfig, openStateContainer } from "@haymaker/projections";
import { type CosmosEmulator, startCosmosEmulator } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeApiKeyStoreContract } from "./api-key-store-contract.ts";
import { CosmosApiKeyStore } from "./cosmos-api-key-store.ts";
import { apiKeyStoreFromEnv } from "./open-api-key-store.ts";
import { API_KEYS_FILE, SqliteApiKeyStore } from "./sqlite-api-key-store.ts";

describeApiKeyStoreContract("SQLite", async () => {
  const directory = mkdtempSync(join(tmpdir(), "gateway-keys-"));
  return {
    replica: async () => SqliteApiKeyStore.open(directory),
    stored: async () => {
      const file = join(directory, API_KEYS_FILE);
      // WAL mode: what was written lately may be in the write-ahead log still.
      return Buffer.concat([file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f)));
    },
  };
});

let emulator: CosmosEmulator;
let databases = 0;
beforeAll(async () => {
  emulator = await startCosmosEmulator();
});
afterAll(() => emulator.stop());

function cosmosConfig(database: string): CosmosConfig {
  return { endpoint: emulator.endpoint, key: emulator.key, database, clientOptions: emulator.clientOptions };
}

describeApiKeyStoreContract("Cosmos DB (emulator)", async () => {
  const config = cosmosConfig(`gateway-keys-${++databases}`);
  return {
    replica: () => CosmosApiKeyStore.open(config),
    stored: async () => {
      const container = await openStateContainer(config);
      try {
        const { resources } = await container.items.query("SELECT * FROM c").fetchAll();
        return Buffer.from(JSON.stringify(resources));
      } finally {
        container.database.client.dispose();
      }
    },
  };
});

describe("apiKeyStoreFromEnv", () => {
  it("opens the SQLite file in the data directory when no Cosmos DB endpoint is set", async () => {
    const directory = mkdtempSync(join(tmpdir(), "gateway-keys-"));
    const store = await apiKeyStoreFromEnv({}, directory);
    try {
      expect(store).toBeInstanceOf(SqliteApiKeyStore);
      await store.create("admin", "local");
      expect(existsSync(join(directory, API_KEYS_FILE))).toBe(true);
    } finally {
      store.close();
    }
  });

  it("opens the state container when HAYMAKER_COSMOS_ENDPOINT is set, writing nothing to the data directory", async () => {
    const directory = mkdtempSync(join(tmpdir(), "gateway-keys-"));
    const env = { ...emulator.env, HAYMAKER_COSMOS_DATABASE: "gateway-keys-from-env" };
    const store = await apiKeyStoreFromEnv(env, directory);
    const other = await CosmosApiKeyStore.open(cosmosConfig("gateway-keys-from-env"));
    try {
      expect(store).toBeInstanceOf(CosmosApiKeyStore);
      const { key } = await store.create("admin", "shared");
      expect(await other.verify(key)).toMatchObject({ name: "shared", role: "admin" });
      expect(existsSync(join(directory, API_KEYS_FILE))).toBe(false);
    } finally {
      store.close();
      other.close();
    }
  });

  it("names every bad Cosmos DB variable at once, from the call itself (not a rejected promise), echoing none", () => {
    const secret = "not-a-url-but-secret";
    const failure = () =>
      apiKeyStoreFromEnv(
        { HAYMAKER_COSMOS_ENDPOINT: secret, HAYMAKER_COSMOS_KEY: "", HAYMAKER_COSMOS_DATABASE: "a/b" },
        tmpdir(),
      );
    expect(failure).toThrow(ConfigError);
    expect(failure).toThrow(
      /HAYMAKER_COSMOS_ENDPOINT[\s\S]*HAYMAKER_COSMOS_KEY[\s\S]*HAYMAKER_COSMOS_DATABASE/,
    );
    expect(failure).not.toThrow(secret);
  });
});
