// Where the replay operations are kept, chosen by configuration: Cosmos DB when HAYMAKER_COSMOS_ENDPOINT is
// set (the state container, shared by every gateway replica), otherwise replays.sqlite in the data directory.
import { type CosmosConfig, cosmosConfigFromEnv } from "@haymaker/projections";
import { CosmosReplayOperationStore } from "./cosmos-replay-operation-store.ts";
import type { ReplayOperationStore } from "./replay-operation-store.ts";
import { SqliteReplayOperationStore } from "./sqlite-replay-operation-store.ts";

/** Opens the store a configuration names (read it with cosmosConfigFromEnv first). */
export async function openReplayOperationStore(
  cosmos: CosmosConfig | undefined,
  dataDirectory: string,
): Promise<ReplayOperationStore> {
  return cosmos === undefined
    ? SqliteReplayOperationStore.open(dataDirectory)
    : CosmosReplayOperationStore.open(cosmos);
}

/**
 * The store the environment names. The HAYMAKER_COSMOS_* variables are read before this returns: a bad one
 * is thrown from the call itself as a ConfigError naming every one (so configOrExit catches it), not as a
 * rejected promise, and nothing connects; the returned promise is the opening.
 */
export function replayOperationStoreFromEnv(
  env: Record<string, string | undefined>,
  dataDirectory: string,
  service = "gateway",
): Promise<ReplayOperationStore> {
  return openReplayOperationStore(cosmosConfigFromEnv(env, service), dataDirectory);
}
