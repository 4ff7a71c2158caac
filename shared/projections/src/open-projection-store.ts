// The projections a service reads and writes, chosen by its environment: Cosmos DB when
// HAYMAKER_COSMOS_ENDPOINT is set, otherwise the SQLite file under the data directory.
import type { CosmosConfig } from "./cosmos/cosmos-config.ts";
import { CosmosProjectionStore } from "./cosmos/cosmos-projection-store.ts";
import type { ProjectionStore } from "./projection-store.ts";
import { SqliteProjectionStore } from "./sqlite/sqlite-projection-store.ts";

/**
 * Opens the projections a configuration names (read it first with cosmosConfigFromEnv, which throws
 * ConfigError naming each bad variable before anything connects): Cosmos DB when it is set, creating the
 * database and container if they are missing, else the SQLite file in the data directory.
 */
export async function openProjectionStore(
  cosmos: CosmosConfig | undefined,
  dataDirectory: string,
): Promise<ProjectionStore> {
  if (cosmos) return CosmosProjectionStore.open(cosmos);
  return SqliteProjectionStore.open(dataDirectory);
}
