// Which store the run ledger lives in, from the environment: Cosmos DB's state container when
// HAYMAKER_COSMOS_ENDPOINT is set (the account and database the projections use), else the SQLite file
// under the data directory.
import { cosmosConfigFromEnv } from "@haymaker/projections";
import { CosmosRunLedger } from "./cosmos-run-ledger.ts";
import type { RunLedger } from "./run-ledger.ts";
import { SqliteRunLedger } from "./sqlite-run-ledger.ts";

/**
 * Reads the Cosmos DB variables at once (throwing ConfigError, which names each bad one and never echoes a
 * value, before anything connects), then opens the ledger they name; without them,
 * `<dataDirectory>/report.sqlite`.
 */
export function runLedgerFromEnv(
  env: Record<string, string | undefined>,
  dataDirectory: string,
  service = "report",
): Promise<RunLedger> {
  const cosmos = cosmosConfigFromEnv(env, service);
  if (cosmos) return CosmosRunLedger.open(cosmos);
  return Promise.resolve(SqliteRunLedger.inDataDirectory(dataDirectory));
}
