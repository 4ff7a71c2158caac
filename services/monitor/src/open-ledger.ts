// Which store the monitor's ledger lives in: Cosmos DB's state container when the service's settings name
// an account (HAYMAKER_COSMOS_ENDPOINT, read by monitorConfig with every other variable), else the SQLite
// file under the data directory.
import type { CosmosConfig } from "@haymaker/projections";
import { CosmosMonitorLedger } from "./cosmos-ledger.ts";
import { type MonitorLedger, SqliteMonitorLedger } from "./ledger.ts";

export type ClosableMonitorLedger = MonitorLedger & { close(): void };

/**
 * Opens the ledger `cosmos` names (creating the state container if it is missing); without it,
 * `<dataDirectory>/monitor.sqlite`.
 */
export function openMonitorLedger(
  cosmos: CosmosConfig | undefined,
  dataDirectory: string,
): Promise<ClosableMonitorLedger> {
  if (cosmos) return CosmosMonitorLedger.open(cosmos);
  return Promise.resolve(new SqliteMonitorLedger(dataDirectory));
}
