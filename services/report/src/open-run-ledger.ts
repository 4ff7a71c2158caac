// Which store the run ledger lives in: Cosmos DB's state container when the service's settings name an
// account (HAYMAKER_COSMOS_ENDPOINT, read by reportConfig with every other variable), else the SQLite file
// under the data directory.
import type { CosmosConfig } from "@haymaker/projections";
import { CosmosRunLedger } from "./cosmos-run-ledger.ts";
import type { RunLedger } from "./run-ledger.ts";
import { SqliteRunLedger } from "./sqlite-run-ledger.ts";

/**
 * Opens the ledger `cosmos` names (creating the state container if it is missing); without it,
 * `<dataDirectory>/report.sqlite`.
 */
export function openRunLedger(cosmos: CosmosConfig | undefined, dataDirectory: string): Promise<RunLedger> {
  if (cosmos) return CosmosRunLedger.open(cosmos);
  return Promise.resolve(SqliteRunLedger.inDataDirectory(dataDirectory));
}
