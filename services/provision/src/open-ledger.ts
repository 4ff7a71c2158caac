// Which store provision's ledger lives in: Cosmos DB's state container when the service's settings name an
// account (HAYMAKER_COSMOS_ENDPOINT, read by provisionConfig with every other variable), else the SQLite
// file under the data directory.
import type { CosmosConfig } from "@haymaker/projections";
import { CosmosProvisionLedger } from "./cosmos-ledger.ts";
import { type ProvisionLedger, SqliteProvisionLedger } from "./ledger.ts";

export type ClosableProvisionLedger = ProvisionLedger & { close(): void };

/**
 * Opens the ledger `cosmos` names (creating the state container if it is missing); without it,
 * `<dataDirectory>/provision.sqlite`.
 */
export function openProvisionLedger(
  cosmos: CosmosConfig | undefined,
  dataDirectory: string,
): Promise<ClosableProvisionLedger> {
  if (cosmos) return CosmosProvisionLedger.open(cosmos);
  return Promise.resolve(new SqliteProvisionLedger(dataDirectory));
}
