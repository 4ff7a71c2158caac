// The projection store's contract on Microsoft's Cosmos DB emulator, the same suite the unit tests run on
// SQLite and on @vercel/cosmosdb-server (which lacks TTL, OFFSET/LIMIT, GROUP BY and more).
//
// Image: the `latest` Linux emulator, not `vnext-preview`. `latest` runs the service's own engine, so what
// CosmosProjectionStore depends on — transactional batches, per-document TTL, composite indexes for its
// ordered lists — behaves as in Azure; `vnext-preview` is a rewrite that Microsoft documents as supporting
// a subset of features (https://learn.microsoft.com/azure/cosmos-db/emulator-linux). The price: `latest`
// runs on x86-64 only, needs about 3 GB of memory, and takes a minute or more to start.
import { randomUUID } from "node:crypto";
import { Agent } from "node:https";
import { CosmosClient } from "@azure/cosmos";
import { CosmosProjectionStore } from "@haymaker/projections";
import { projectionStoreContract } from "@haymaker/projections/testing";
import { GenericContainer, type StartedTestContainer, Wait } from "testcontainers";
import { afterAll, beforeAll, describe, onTestFinished } from "vitest";
import { emulatorSkipReason } from "./docker.ts";

const COSMOS_EMULATOR_IMAGE = "mcr.microsoft.com/cosmosdb/linux/azure-cosmos-emulator:latest";
const GATEWAY_PORT = 8081;
// The emulator's fixed, published account key (https://learn.microsoft.com/azure/cosmos-db/emulator).
const EMULATOR_KEY =
  "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

const skip = await emulatorSkipReason(
  "Projections on Microsoft's Cosmos DB emulator",
  process.arch === "x64"
    ? undefined
    : `the Cosmos DB emulator image runs on x86-64 only, not ${process.arch}`,
);

describe.skipIf(skip !== undefined)("projections on Microsoft's Cosmos DB emulator", () => {
  let emulator: StartedTestContainer;
  let endpoint: string;
  // The emulator serves https with a certificate of its own making: trust it for these clients only.
  const clientOptions = {
    agent: new Agent({ rejectUnauthorized: false }),
    // Its account metadata names addresses inside the container; stay on the endpoint as given.
    connectionPolicy: { enableEndpointDiscovery: false },
  };

  beforeAll(async () => {
    emulator = await new GenericContainer(COSMOS_EMULATOR_IMAGE)
      .withExposedPorts(GATEWAY_PORT)
      .withEnvironment({
        // Every test opens a database of its own and drops it afterwards; a few partitions suffice.
        AZURE_COSMOS_EMULATOR_PARTITION_COUNT: "10",
        AZURE_COSMOS_EMULATOR_ENABLE_DATA_PERSISTENCE: "false",
        AZURE_COSMOS_EMULATOR_IP_ADDRESS_OVERRIDE: "127.0.0.1",
      })
      // It prints "Started n/m partitions" while starting, then "Started" alone when it serves.
      .withWaitStrategy(Wait.forLogMessage(/^Started\s*$/m).withStartupTimeout(600_000))
      .start();
    endpoint = `https://127.0.0.1:${emulator.getMappedPort(GATEWAY_PORT)}/`;
  });
  afterAll(() => emulator?.stop());

  projectionStoreContract("Cosmos DB emulator (Docker)", async () => {
    const database = `projections-${randomUUID().slice(0, 8)}`;
    const store = await CosmosProjectionStore.open({ endpoint, key: EMULATOR_KEY, database, clientOptions });
    onTestFinished(async () => {
      const client = new CosmosClient({ endpoint, key: EMULATOR_KEY, ...clientOptions });
      await client.database(database).delete();
      client.dispose();
    });
    return store;
  });
});
