// The state every gateway replica must share — API keys, the execute and write budgets, replay operations —
// opened together: in Azure, in Cosmos DB's state container, opened once with one client that all three use
// (one connection pool, and the database and container checked or created once, not three times); locally,
// SQLite files in the data directory and budgets in this process's memory (one gateway, as `make run` starts
// it).
import {
  CosmosReplayOperationStore,
  type ReplayOperationStore,
  SqliteReplayOperationStore,
} from "@haymaker/dead-letters";
import { type CosmosConfig, openStateContainer } from "@haymaker/projections";
import type { ApiKeyStore } from "./auth/api-key-store.ts";
import { CosmosApiKeyStore } from "./auth/cosmos-api-key-store.ts";
import { CosmosRateLimits } from "./auth/cosmos-rate-limit.ts";
import { inMemoryRateLimits, type RateLimits } from "./auth/rate-limit.ts";
import { SqliteApiKeyStore } from "./auth/sqlite-api-key-store.ts";

export interface GatewayState {
  keys: ApiKeyStore;
  rateLimits: RateLimits;
  replayOperations: ReplayOperationStore;
  /** Closes the stores and, in Cosmos DB, the state container's one client. Call it once, last. */
  close(): void;
}

/** Opens the state `cosmos` names (creating the state container if it is missing); without it, local state. */
export async function openGatewayState(
  cosmos: CosmosConfig | undefined,
  dataDirectory: string,
): Promise<GatewayState> {
  if (cosmos === undefined) return openLocalState(dataDirectory);
  const container = await openStateContainer(cosmos);
  // The adapters are given the container without a way to dispose of it: the client is closed here, once.
  return {
    keys: new CosmosApiKeyStore(container),
    rateLimits: new CosmosRateLimits(container).rateLimits,
    replayOperations: new CosmosReplayOperationStore(container),
    close: () => container.database.client.dispose(),
  };
}

function openLocalState(dataDirectory: string): GatewayState {
  const keys = SqliteApiKeyStore.open(dataDirectory);
  let replayOperations: SqliteReplayOperationStore;
  try {
    replayOperations = SqliteReplayOperationStore.open(dataDirectory);
  } catch (error) {
    keys.close();
    throw error;
  }
  return {
    keys,
    rateLimits: inMemoryRateLimits,
    replayOperations,
    close: () => {
      keys.close();
      replayOperations.close();
    },
  };
}
