// Which store provision's ledger lives in, from the environment: Cosmos DB's state container when
// HAYMAKER_COSMOS_ENDPOINT is set (the account and database the projections use), else the SQLite file
// under the data directory.
import { cosmosConfigFromEnv } from "@haymaker/projections";
import { CosmosProvisionLedger } from "./cosmos-ledger.ts";
import { type ProvisionLedger, SqliteProvisionLedger } from "./ledger.ts";

export type ClosableProvisionLedger = ProvisionLedger & { close(): void };

/**
 * Reads the Cosmos DB variables at once (throwing ConfigError, which names each bad one and never echoes a
 * value, before anything connects), then opens the ledger they name; without them,
 * `<dataDirectory>/provision.sqlite`.
 */
export function provisionLedgerFromEnv(
  env: Record<string, string | undefined>,
  dataDirectory: string,
  service = "provision",
): Promise<ClosableProvisionLedger> {
  const cosmos = cosmosConfigFromEnv(env, service);
  if (cosmos) return CosmosProvisionLedger.open(cosmos);
  return Promise.resolve(new SqliteProvisionLedger(dataDirectory));
}
