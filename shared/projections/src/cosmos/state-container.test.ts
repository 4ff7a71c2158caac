// The state container on the emulator: created with the declared settings, reopened as it is, refused when
// partitioned otherwise; and the document conventions every ledger relies on.
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { CosmosClient } from "@azure/cosmos";
import { type CosmosEmulator, startCosmosEmulator } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { CosmosConfig } from "./cosmos-config.ts";
import { openStateContainer, STATE_CONTAINER, stateContainerDefinition } from "./state-container.ts";
import {
  cosmosStatus,
  epochSeconds,
  expiryFields,
  isLive,
  NOT_EXPIRED,
  retryWhileRaced,
  stateDocumentId,
  statePartition,
} from "./state-documents.ts";

let emulator: CosmosEmulator;
beforeAll(async () => {
  emulator = await startCosmosEmulator();
});
afterAll(() => emulator.stop());

function configFor(database: string): CosmosConfig {
  return { endpoint: emulator.endpoint, key: emulator.key, database, clientOptions: emulator.clientOptions };
}

/**
 * The emulator behind a proxy that answers 403, as Cosmos DB answers a Microsoft Entra identity holding only
 * a data-plane role, to the requests `refused` picks (creating a database or a container, changing its
 * settings); everything else passes through.
 */
async function asDataPlaneIdentity(
  refused: (method: string, path: string) => boolean,
): Promise<CosmosConfig> {
  const target = new URL(emulator.endpoint);
  const proxy = createServer((incoming, answer) => {
    const path = (incoming.url ?? "/").split("?")[0] ?? "/";
    if (refused(incoming.method ?? "GET", path)) {
      incoming.resume();
      answer.writeHead(403, { "content-type": "application/json" });
      answer.end(
        JSON.stringify({
          code: "Forbidden",
          message: "Request blocked by Auth: not allowed through the data plane",
        }),
      );
      return;
    }
    const onward = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (reply) => {
        answer.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(answer);
      },
    );
    onward.on("error", (error) => answer.destroy(error));
    incoming.pipe(onward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  );
  const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  return { ...configFor("unused"), endpoint };
}

async function open(database: string) {
  const container = await openStateContainer(configFor(database));
  onTestFinished(() => container.database.client.dispose());
  return container;
}

describe("openStateContainer", () => {
  it("creates the database and the state container, partitioned by /pk with TTL on and no default", async () => {
    const container = await open("state-created");
    const { resource } = await container.read();
    expect(resource?.id).toBe("state");
    expect(resource?.partitionKey?.paths).toEqual(["/pk"]);
    expect(resource?.partitionKey?.version).toBe(2);
    expect(resource?.defaultTtl).toBe(-1);
    expect(stateContainerDefinition()).toMatchObject({
      id: STATE_CONTAINER.id,
      partitionKey: {
        paths: [STATE_CONTAINER.partitionKeyPath],
        version: STATE_CONTAINER.partitionKeyVersion,
      },
      defaultTtl: STATE_CONTAINER.defaultTtl,
    });
  });

  it("is opened by several executions at once on a fresh account, each getting the one container", async () => {
    const containers = await Promise.all(Array.from({ length: 6 }, () => open("state-opened-together")));
    for (const container of containers) expect(container.id).toBe("state");
    await containers[0]?.items.create({ id: "seen", pk: "test:together", kind: "fact" });
    expect((await containers[5]?.item("seen", "test:together").read())?.resource?.kind).toBe("fact");
  });

  it("opens it again keeping its documents", async () => {
    const first = await open("state-reopened");
    await first.items.create({ id: "a", pk: "test:one", kind: "fact" });
    const second = await open("state-reopened");
    expect((await second.item("a", "test:one").read()).resource?.kind).toBe("fact");
  });

  it("turns TTL on in an existing state container that has it off", async () => {
    const client = new CosmosClient({
      endpoint: emulator.endpoint,
      key: emulator.key,
      ...emulator.clientOptions,
    });
    onTestFinished(() => client.dispose());
    const { database } = await client.databases.createIfNotExists({ id: "state-ttl-off" });
    const { defaultTtl: _, ...withoutTtl } = stateContainerDefinition();
    await database.containers.createIfNotExists(withoutTtl);
    expect((await database.container(STATE_CONTAINER.id).read()).resource?.defaultTtl).toBeUndefined();
    const container = await open("state-ttl-off");
    expect((await container.read()).resource?.defaultTtl).toBe(-1);
  });

  it("tells an identity that may not create the database or the container what to create, and how", async () => {
    const config = await asDataPlaneIdentity(
      (method, path) => method === "POST" && /^\/dbs(\/[^/]+\/colls)?\/?$/.test(path),
    );
    await expect(openStateContainer({ ...config, database: "state-no-database" })).rejects.toThrow(
      'the Cosmos DB database "state-no-database" does not exist, and this identity may not create it (Microsoft Entra data-plane roles cannot create databases or containers); create it (az cosmosdb sql database create --account-name <account> --resource-group <group> --name state-no-database) or start once with the account key',
    );
    const client = new CosmosClient({
      endpoint: emulator.endpoint,
      key: emulator.key,
      ...emulator.clientOptions,
    });
    onTestFinished(() => client.dispose());
    await client.databases.createIfNotExists({ id: "state-no-container" });
    await expect(openStateContainer({ ...config, database: "state-no-container" })).rejects.toThrow(
      'the Cosmos DB container "state" in database "state-no-container" does not exist, and this identity may not create it (Microsoft Entra data-plane roles cannot create databases or containers); create it (az cosmosdb sql container create --account-name <account> --resource-group <group> --database-name state-no-container --name state --partition-key-path /pk --partition-key-version 2 --ttl -1) or start once with the account key',
    );
    // Once created (here with the key), the same identity opens it.
    await open("state-no-container");
    const opened = await openStateContainer({ ...config, database: "state-no-container" });
    onTestFinished(() => opened.database.client.dispose());
    expect(opened.id).toBe("state");
  });

  it("tells an identity that may not turn TTL on what to change", async () => {
    const client = new CosmosClient({
      endpoint: emulator.endpoint,
      key: emulator.key,
      ...emulator.clientOptions,
    });
    onTestFinished(() => client.dispose());
    const { database } = await client.databases.createIfNotExists({ id: "state-ttl-forbidden" });
    const { defaultTtl: _, ...withoutTtl } = stateContainerDefinition();
    await database.containers.createIfNotExists(withoutTtl);
    const config = await asDataPlaneIdentity((method) => method === "PUT");
    await expect(openStateContainer({ ...config, database: "state-ttl-forbidden" })).rejects.toThrow(
      'the Cosmos DB container "state" needs TTL on without a default (defaultTtl -1), and this identity may not change its settings',
    );
  });

  it("refuses a state container partitioned by anything but /pk, saying what to do", async () => {
    const client = new CosmosClient({
      endpoint: emulator.endpoint,
      key: emulator.key,
      ...emulator.clientOptions,
    });
    onTestFinished(() => client.dispose());
    const { database } = await client.databases.createIfNotExists({ id: "state-misfit" });
    await database.containers.createIfNotExists({ id: "state", partitionKey: { paths: ["/runId"] } });
    await expect(openStateContainer(configFor("state-misfit"))).rejects.toThrow(
      'the Cosmos DB container "state" in database "state-misfit" is partitioned by /runId, not /pk; delete it so that HayMaker creates it again, or use another database',
    );
  });
});

describe("state documents", () => {
  it("keep a key as its id when Cosmos DB accepts it, and hash it otherwise", () => {
    expect(stateDocumentId("run-1.a01")).toBe("run-1.a01");
    const slashed = stateDocumentId("runs/run-1");
    expect(slashed).toMatch(/^h-[0-9a-f]{64}$/);
    expect(stateDocumentId("runs/run-1")).toBe(slashed);
    expect(stateDocumentId("x".repeat(256))).toMatch(/^h-/);
    expect(statePartition("monitor", "run-1")).toBe("monitor:run-1");
  });

  it("expire by ttl and expiresAt together, which reads and queries both honour", async () => {
    const container = await open("state-expiry");
    const now = Date.parse("2026-12-01T00:00:00Z");
    expect(expiryFields(60, now)).toEqual({ ttl: 60, expiresAt: epochSeconds(now) + 60 });
    expect(() => expiryFields(0, now)).toThrow("at least 1");
    expect(isLive({ expiresAt: epochSeconds(now) + 60 }, now)).toBe(true);
    expect(isLive({ expiresAt: epochSeconds(now) + 60 }, now + 60_000)).toBe(false);
    expect(isLive({}, now + 10 ** 12)).toBe(true);

    const pk = statePartition("test", "expiry");
    await container.items.create({ id: "kept", pk, kind: "fact" });
    await container.items.create({ id: "due", pk, kind: "fact", ...expiryFields(60, now) });
    const live = async (at: number) =>
      (
        await container.items
          .query<{ id: string }>({
            query: `SELECT c.id FROM c WHERE c.pk = @pk AND ${NOT_EXPIRED} ORDER BY c.id`,
            parameters: [
              { name: "@pk", value: pk },
              { name: "@now", value: epochSeconds(at) },
            ],
          })
          .fetchAll()
      ).resources.map((document) => document.id);
    expect(await live(now)).toEqual(["due", "kept"]);
    expect(await live(now + 60_000)).toEqual(["kept"]);
  });

  it("report a conflicting create as 409 and a stale etag as 412", async () => {
    const container = await open("state-conditions");
    const document = { id: "one", pk: "test:c", kind: "fact" };
    const { resource } = await container.items.create(document);
    const conflict = await container.items.create(document).catch((error: unknown) => error);
    expect(cosmosStatus(conflict)).toBe(409);
    await container.item("one", "test:c").replace({ ...document, n: 1 });
    const stale = await container
      .item("one", "test:c")
      .replace(
        { ...document, n: 2 },
        { accessCondition: { type: "IfMatch", condition: resource?._etag ?? "" } },
      )
      .catch((error: unknown) => error);
    expect(cosmosStatus(stale)).toBe(412);
    expect(cosmosStatus(new Error("plain"))).toBeUndefined();
  });

  it("retry a conditional change that lost a race until it wins, and give up on anything else", async () => {
    const container = await open("state-race");
    const item = container.item("counter", "test:race");
    await container.items.create({ id: "counter", pk: "test:race", kind: "counter", n: 0 });
    const increment = () =>
      retryWhileRaced(async () => {
        const { resource } = await item.read<{ id: string; pk: string; kind: string; n: number }>();
        if (!resource) throw new Error("the counter is missing");
        await item.replace(
          { id: resource.id, pk: resource.pk, kind: resource.kind, n: resource.n + 1 },
          { accessCondition: { type: "IfMatch", condition: (resource as { _etag?: string })._etag ?? "" } },
        );
      });
    await Promise.all(Array.from({ length: 8 }, increment));
    expect((await item.read<{ n: number }>()).resource?.n).toBe(8);

    let attempts = 0;
    const notARace = retryWhileRaced(async () => {
      attempts += 1;
      throw Object.assign(new Error("missing"), { code: 404 });
    });
    await expect(notARace).rejects.toThrow("missing");
    expect(attempts).toBe(1);
  });
});
