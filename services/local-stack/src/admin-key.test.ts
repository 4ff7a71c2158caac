// The local stack's admin key is made in the key store the gateway will read: Cosmos DB when the gateway's
// environment names one (HayMaker's Azure profile), so the gateway on Cosmos DB accepts it.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { API_KEYS_FILE, CosmosApiKeyStore, SqliteApiKeyStore } from "@haymaker/gateway/api-keys";
import { type CosmosEmulator, startCosmosEmulator } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY_FILE, ensureAdminKey } from "./admin-key.ts";

let emulator: CosmosEmulator;
beforeAll(async () => {
  emulator = await startCosmosEmulator("local-stack-admin-key");
});
afterAll(() => emulator.stop());

const keyIn = (directory: string) => readFileSync(join(directory, ADMIN_KEY_FILE), "utf8").trim();

describe("ensureAdminKey on Cosmos DB", () => {
  it("creates the admin key in the state container, keeps it across starts, and replaces it once revoked", async () => {
    const directory = mkdtempSync(join(tmpdir(), "admin-key-cosmos-"));
    // A key made earlier for the local SQLite store is not one the Cosmos DB gateway knows: a new one is made.
    await ensureAdminKey(directory, {});
    const sqliteKey = keyIn(directory);
    const local = SqliteApiKeyStore.open(directory);
    expect(await local.verify(sqliteKey)).toMatchObject({ role: "admin" });
    local.close();

    const file = await ensureAdminKey(directory, emulator.env);
    const first = keyIn(directory);
    expect(first).not.toBe(sqliteKey);
    const cosmos = await CosmosApiKeyStore.open({
      endpoint: emulator.endpoint,
      key: emulator.key,
      database: emulator.database,
      clientOptions: emulator.clientOptions,
    });
    try {
      const record = await cosmos.verify(first);
      expect(record).toMatchObject({ name: "local-admin", role: "admin" });
      expect(await ensureAdminKey(directory, emulator.env)).toBe(file);
      expect(keyIn(directory)).toBe(first);

      await cosmos.revoke(record?.id ?? "");
      await ensureAdminKey(directory, emulator.env);
      const second = keyIn(directory);
      expect(second).not.toBe(first);
      expect(await cosmos.verify(second)).toMatchObject({ role: "admin" });
    } finally {
      cosmos.close();
    }
  });

  it("writes no SQLite key file when the keys are in Cosmos DB", async () => {
    const directory = mkdtempSync(join(tmpdir(), "admin-key-cosmos-"));
    await ensureAdminKey(directory, emulator.env);
    expect(existsSync(join(directory, ADMIN_KEY_FILE))).toBe(true);
    expect(existsSync(join(directory, API_KEYS_FILE))).toBe(false);
  });
});
