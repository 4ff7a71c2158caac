// Where the gateway's API keys live, chosen by configuration: Cosmos DB when HAYMAKER_COSMOS_ENDPOINT is
// set (the state container, shared by every gateway replica), otherwise gateway-keys.sqlite in the data
// directory.
import { type CosmosConfig, cosmosConfigFromEnv } from "@haymaker/projections";
import type { ApiKeyStore } from "./api-key-store.ts";
import { CosmosApiKeyStore } from "./cosmos-api-key-store.ts";
import { SqliteApiKeyStore } from "./sqlite-api-key-store.ts";

/** Opens the key store a configuration names (read it with cosmosConfigFromEnv first). */
export async function openApiKeyStore(
  cosmos: CosmosConfig | undefined,
  dataDirectory: string,
): Promise<ApiKeyStore> {
  return cosmos === undefined ? SqliteApiKeyStore.open(dataDirectory) : CosmosApiKeyStore.open(cosmos);
}

/**
 * The key store the environment names. The HAYMAKER_COSMOS_* variables are read before this returns: a bad
 * one is thrown from the call itself as a ConfigError naming every one (so configOrExit catches it), not
 * as a rejected promise, and nothing connects; the returned promise is the opening.
 */
export function apiKeyStoreFromEnv(
  env: Record<string, string | undefined>,
  dataDirectory: string,
  service = "gateway",
): Promise<ApiKeyStore> {
  return openApiKeyStore(cosmosConfigFromEnv(env, service), dataDirectory);
}
