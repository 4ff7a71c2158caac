// The replay operation store's contract, and the operations over it with two replicas, against both
// adapters: SQLite (replicas = connections to one file) and Cosmos DB on the emulator (replicas = clients
// of their own on one state container). Then how each adapter is chosen, and files from before leases.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { CosmosConfig } from "@haymaker/projections";
import { type CosmosEmulator, startCosmosEmulator } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosReplayOperationStore } from "../src/cosmos-replay-operation-store.ts";
import type { DeadLetterQueues } from "../src/dead-letter-queues.ts";
import { replayOperationStoreFromEnv } from "../src/open-replay-operation-store.ts";
import { describeReplayOperationStoreContract, operationAt } from "../src/replay-operation-store-contract.ts";
import { ReplayOperations } from "../src/replay-operations.ts";
import { describeReplayOperationsContract } from "../src/replay-operations-contract.ts";
import { REPLAYS_FILE, SqliteReplayOperationStore } from "../src/sqlite-replay-operation-store.ts";

const sqlite = async () => {
  const directory = mkdtempSync(join(tmpdir(), "replays-"));
  return { replica: async () => SqliteReplayOperationStore.open(directory) };
};
describeReplayOperationStoreContract("SQLite", sqlite);
describeReplayOperationsContract("SQLite", sqlite);

let emulator: CosmosEmulator;
let databases = 0;
beforeAll(async () => {
  emulator = await startCosmosEmulator();
});
afterAll(() => emulator.stop());

function cosmosConfig(database: string): CosmosConfig {
  return { endpoint: emulator.endpoint, key: emulator.key, database, clientOptions: emulator.clientOptions };
}
const cosmos = async () => {
  const config = cosmosConfig(`replays-${++databases}`);
  return { replica: () => CosmosReplayOperationStore.open(config) };
};
describeReplayOperationStoreContract("Cosmos DB (emulator)", cosmos);
describeReplayOperationsContract("Cosmos DB (emulator)", cosmos);

const NO_QUEUES = {} as DeadLetterQueues;

describe("replayOperationStoreFromEnv", () => {
  it("keeps operations in replays.sqlite in the data directory without a Cosmos DB endpoint", async () => {
    const directory = mkdtempSync(join(tmpdir(), "replays-"));
    const store = await replayOperationStoreFromEnv({}, directory);
    try {
      expect(store).toBeInstanceOf(SqliteReplayOperationStore);
      await store.create({ operation: operationAt("2026-12-08T06:00:00.000Z") });
      expect(existsSync(join(directory, REPLAYS_FILE))).toBe(true);
    } finally {
      store.close();
    }
  });

  it("keeps them in the state container with one, where another replica finds them", async () => {
    const directory = mkdtempSync(join(tmpdir(), "replays-"));
    const env = { ...emulator.env, HAYMAKER_COSMOS_DATABASE: "replays-from-env" };
    const store = await replayOperationStoreFromEnv(env, directory);
    const other = await CosmosReplayOperationStore.open(cosmosConfig("replays-from-env"));
    try {
      expect(store).toBeInstanceOf(CosmosReplayOperationStore);
      const operation = operationAt("2026-12-08T06:00:00.000Z");
      await store.create({ operation });
      expect((await other.get(operation.id))?.stored.operation).toEqual(operation);
      expect(existsSync(join(directory, REPLAYS_FILE))).toBe(false);
    } finally {
      store.close();
      other.close();
    }
  });

  it("names every bad Cosmos DB variable at once, from the call itself (not a rejected promise), echoing none", () => {
    const failure = () =>
      replayOperationStoreFromEnv(
        { HAYMAKER_COSMOS_ENDPOINT: "ftp://secret-host", HAYMAKER_COSMOS_DATABASE: "a/b" },
        tmpdir(),
      );
    expect(failure).toThrow(
      /^gateway cannot start[\s\S]*HAYMAKER_COSMOS_ENDPOINT[\s\S]*HAYMAKER_COSMOS_DATABASE/,
    );
    expect(failure).not.toThrow(/secret-host/);
  });
});

describe("replays.sqlite written before operations had leases", () => {
  it("reads its operations, and one left running reads interrupted: no replica holds it", async () => {
    const directory = mkdtempSync(join(tmpdir(), "replays-"));
    const old = new DatabaseSync(join(directory, REPLAYS_FILE));
    old.exec(
      "CREATE TABLE operations (id TEXT PRIMARY KEY, started_at TEXT NOT NULL, body TEXT NOT NULL) STRICT",
    );
    const running = operationAt("2026-12-08T06:00:00.000Z");
    const completed = operationAt("2026-12-08T05:00:00.000Z", {
      status: "completed",
      replayed: 10,
      remaining: 0,
    });
    const insert = old.prepare("INSERT INTO operations (id, started_at, body) VALUES (?, ?, ?)");
    for (const operation of [running, completed]) {
      insert.run(operation.id, operation.startedAt, JSON.stringify(operation));
    }
    old.close();
    const operations = ReplayOperations.open(directory, NO_QUEUES);
    try {
      expect(await operations.get(completed.id)).toEqual(completed);
      expect(await operations.list()).toMatchObject([
        { id: running.id, status: "interrupted", finishedAt: expect.any(String) },
        { id: completed.id, status: "completed" },
      ]);
    } finally {
      await operations.close();
    }
  });
});
