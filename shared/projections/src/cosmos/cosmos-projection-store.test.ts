// The Cosmos DB adapter against @vercel/cosmosdb-server, in this process over plain HTTP: the same contract
// as SQLite, then what is particular to Cosmos DB (the container's settings, concurrent writers, tokens).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CosmosClient } from "@azure/cosmos";
import { type CosmosEmulator, startCosmosEmulator } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { ProjectionQueryError } from "../errors.ts";
import { openProjectionStore } from "../open-projection-store.ts";
import { SqliteProjectionStore } from "../sqlite/sqlite-projection-store.ts";
import { applyAll, projectionStoreContract, runStory, snapshotOf } from "../testing.ts";
import { COMPOSITE_INDEXES, DEFAULT_CONTAINER } from "./container.ts";
import { cosmosConfigFromEnv } from "./cosmos-config.ts";
import { CosmosProjectionStore, type CosmosProjectionStoreOptions } from "./cosmos-projection-store.ts";
import { logDocumentId, processedEventDocumentId } from "./documents.ts";

let emulator: CosmosEmulator;
let endpoint: string;

beforeAll(async () => {
  emulator = await startCosmosEmulator();
  endpoint = emulator.endpoint;
});

afterAll(() => emulator.stop());

/** A store over a database of its own, so that tests share nothing. */
async function openStore(
  options: Partial<CosmosProjectionStoreOptions> = {},
): Promise<CosmosProjectionStore> {
  const store = await CosmosProjectionStore.open({
    ...emulator.freshDatabase("projections-test"),
    ...options,
  });
  onTestFinished(() => store.close());
  return store;
}

projectionStoreContract("Cosmos DB (emulator)", () => openStore());

const RUN = "run-cosmos";
const STORY = runStory({
  runId: RUN,
  requestedAt: "2026-11-24T06:00:00Z",
  agents: [{ scenarioId: "storage-blob-lifecycle" }, { scenarioId: "vm-restart", leaveStorage: true }],
});

describe("CosmosProjectionStore", () => {
  it("creates one container partitioned by run id, with per-document TTL on and an index for each list's order", async () => {
    const store = await openStore({
      database: "projections-settings",
      logTtlDays: 7,
      processedEventTtlDays: 45,
    });
    const { resource } = await store.container.read();
    expect(resource?.id).toBe(DEFAULT_CONTAINER);
    expect(resource?.partitionKey?.paths).toEqual(["/runId"]);
    expect(resource?.defaultTtl).toBe(-1);
    expect(resource?.indexingPolicy?.compositeIndexes).toEqual(COMPOSITE_INDEXES);
    expect(resource?.indexingPolicy?.excludedPaths).toContainEqual({ path: "/record/*" });

    // Log lines and processed-event ids carry the TTLs asked for; the projections themselves none.
    const log = STORY.find((event) => event.id === `${RUN}.a01.log-1`);
    if (!log) throw new Error("the story has no log line");
    await store.apply(log);
    const read = async (id: string) => (await store.container.item(id, RUN).read()).resource;
    expect((await read(logDocumentId("a01", 1)))?.ttl).toBe(7 * 86_400);
    expect((await read(processedEventDocumentId(log.id)))?.ttl).toBe(45 * 86_400);
    expect((await read("execution"))?.ttl).toBeUndefined();
    expect((await read("agent-a01"))?.ttl).toBeUndefined();
  });

  it("is opened by several replicas at once on a fresh account", async () => {
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => openStore({ database: "projections-opened-together" })),
    );
    await applyAll(stores[0] as CosmosProjectionStore, STORY);
    expect((await (stores[3] as CosmosProjectionStore).getExecution(RUN))?.execution.status).toBe(
      "completed",
    );
  });

  it("opens an existing database and container again, keeping what is in it", async () => {
    const first = await openStore({ database: "projections-reopened" });
    await applyAll(first, STORY);
    const second = await openStore({ database: "projections-reopened" });
    expect((await second.getExecution(RUN))?.execution.status).toBe("completed");
    expect(await second.apply(STORY[0] as (typeof STORY)[number])).toEqual({ applied: false });
  });

  it("brings an existing container's TTL and indexes up to date, and refuses one partitioned otherwise", async () => {
    const client = new CosmosClient({
      endpoint,
      key: emulator.key,
      ...emulator.clientOptions,
    });
    onTestFinished(() => client.dispose());
    const { database } = await client.databases.createIfNotExists({ id: "projections-existing" });
    await database.containers.createIfNotExists({ id: "older", partitionKey: { paths: ["/runId"] } });
    await database.containers.createIfNotExists({ id: "by-tenant", partitionKey: { paths: ["/tenantId"] } });

    const store = await openStore({ database: "projections-existing", container: "older" });
    const { resource } = await store.container.read();
    expect(resource?.defaultTtl).toBe(-1);
    expect(resource?.indexingPolicy?.compositeIndexes).toEqual(COMPOSITE_INDEXES);

    await expect(openStore({ database: "projections-existing", container: "by-tenant" })).rejects.toThrow(
      'the Cosmos DB container "by-tenant" is partitioned by /tenantId, not /runId; delete it or name another container for the projections',
    );
  });

  it("refuses TTLs that are not whole days, naming the option", async () => {
    await expect(openStore({ logTtlDays: 0 })).rejects.toThrow(/logTtlDays: expected at least 1 day/);
    await expect(openStore({ processedEventTtlDays: 1.5 })).rejects.toThrow(
      /processedEventTtlDays: expected a whole number of days/,
    );
  });

  it("loses no update when every event of a run is applied at once", async () => {
    const inOrder = await openStore();
    await applyAll(inOrder, STORY);
    const concurrent = await openStore();
    const results = await Promise.all(STORY.map((event) => concurrent.apply(event)));
    expect(results.every((result) => result.applied)).toBe(true);
    expect(await snapshotOf(concurrent, RUN)).toEqual(await snapshotOf(inOrder, RUN));
    // Each event once in the run's stream, numbered without gaps whatever order they committed in.
    const stream = await concurrent.runEvents(RUN, { limit: 1000 });
    const streamed = STORY.filter((event) => !event.type.endsWith(".agent.log.v1"));
    expect(stream.items.map((item) => item.sequence)).toEqual(streamed.map((_, index) => index + 1));
    expect(new Set(stream.items.map((item) => item.event.id))).toEqual(new Set(streamed.map((e) => e.id)));
  });

  it("applies an event delivered twice at the same moment once", async () => {
    const store = await openStore();
    await applyAll(store, STORY.slice(0, 4));
    const log = STORY.find((event) => event.id === `${RUN}.a01.log-1`);
    if (!log) throw new Error("the story has no log line");
    const results = await Promise.all([store.apply(log), store.apply(log), store.apply(log)]);
    expect(results.filter((result) => result.applied)).toHaveLength(1);
    expect((await store.getAgent(RUN, "a01"))?.logCount).toBe(1);
    expect((await store.agentLogs(RUN, "a01")).items).toHaveLength(1);
  });

  it("refuses a continuation token that was tampered with, naming the field", async () => {
    const store = await openStore();
    await applyAll(store, STORY);
    const page = await store.listResources({ runId: RUN, limit: 1 });
    expect(page.continuation).toBeDefined();
    const decoded = JSON.parse(Buffer.from(page.continuation ?? "", "base64url").toString("utf8"));
    const tampered = Buffer.from(JSON.stringify({ ...decoded, after: [1, 2, 3] })).toString("base64url");
    for (const continuation of [tampered, "%%%", `${page.continuation}x`.repeat(2)]) {
      const refused = await store.listResources({ runId: RUN, continuation }).catch((error) => error);
      expect(refused).toBeInstanceOf(ProjectionQueryError);
      expect(refused.field).toBe("continuation");
    }
  });
});

describe("openProjectionStore", () => {
  async function temporaryDataDirectory(): Promise<string> {
    const directory = await mkdtemp(join(tmpdir(), "haymaker-projections-"));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    return directory;
  }

  it("opens Cosmos DB when HAYMAKER_COSMOS_ENDPOINT is set, in the database named", async () => {
    const cosmos = cosmosConfigFromEnv(
      {
        HAYMAKER_COSMOS_ENDPOINT: endpoint,
        HAYMAKER_COSMOS_KEY: emulator.key,
        HAYMAKER_COSMOS_DATABASE: "projections-from-env",
      },
      "projector",
    );
    const store = await openProjectionStore(cosmos, await temporaryDataDirectory());
    onTestFinished(() => store.close());
    expect(store).toBeInstanceOf(CosmosProjectionStore);
    expect(String(store)).toBe(`CosmosProjectionStore(projections-from-env/${DEFAULT_CONTAINER})`);
    await applyAll(store, STORY);
    expect((await store.getExecution(RUN))?.execution.status).toBe("completed");
  });

  it("opens the SQLite file under the data directory otherwise", async () => {
    const dataDirectory = await temporaryDataDirectory();
    const store = await openProjectionStore(cosmosConfigFromEnv({}, "projector"), dataDirectory);
    onTestFinished(() => store.close());
    expect(store).toBeInstanceOf(SqliteProjectionStore);
    expect(String(store)).toContain(dataDirectory);
  });
});
