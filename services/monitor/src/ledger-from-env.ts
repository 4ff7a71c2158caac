// Which store the monitor's ledger lives in, from the environment: Cosmos DB's state container when
// HAYMAKER_COSMOS_ENDPOINT is set (the account and database the projections use), else the SQLite file
// under the data directory.
import { cosmosConfigFromEnv } from "@haymaker/projections";
import { CosmosMonitorLedger } from "./cosmos-ledger.ts";
import { type MonitorLedger, SqliteMonitorLedger } from "./ledger.ts";

export type ClosableMonitorLedger = MonitorLedger & { close(): void };

/**
 * Reads the Cosmos DB variables at once (throwing ConfigError, which names each bad one and never echoes a
 * value, before anything connects), then opens the ledger they name; without them, `<dataDirectory>/monitor.sqlite`.
 */
export function monitorLedgerFromEnv(
  env: Record<string, string | undefined>,
  dataDirectory: string,
  service = "monitor",
): Promise<ClosableMonitorLedger> {
  const cosmos = cosmosConfigFromEnv(env, service);
  if (cosmos) return CosmosMonitorLedger.open(cosmos);
  return Promise.resolve(new SqliteMonitorLedger(dataDirectory));
}
