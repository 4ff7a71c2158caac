// report's settings: where the run ledger lives (the data directory, or Cosmos DB's state container), where
// reports are kept (the report store), how to reach the bus and the cloud, and how long the Activity Log
// takes to settle (settle.ts). Every part is read before anything connects.
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { type CloudControl, cloudControlFromEnv } from "@haymaker/cloud-control";
import { logLevelFromEnv, parseEnv, readConfigParts } from "@haymaker/config";
import { isoDuration, parseIsoDuration } from "@haymaker/contracts";
import { type CosmosConfig, cosmosConfigFromEnv } from "@haymaker/projections";
import { type ReportStore, reportStoreFromEnv } from "@haymaker/stores";
import * as v from "valibot";

const SERVICE = "report";

const ReportEnv = v.object({
  HAYMAKER_DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")), ".haymaker"),
  HAYMAKER_LOG_LEVEL: v.optional(logLevelFromEnv, "info"),
  // Azure: "Activity logs are available for analysis and alerting in 3 to 20 minutes". PT0S suits a cloud
  // that logs at once (the sandbox without realism); a day is far past anything Azure documents.
  HAYMAKER_ACTIVITY_LOG_SETTLE: v.optional(isoDuration("PT0S", "P1D"), "PT20M"),
});

export interface ReportConfig {
  /** The run ledger (report.sqlite) lives under it unless `cosmos` is set; so do the reports, locally. */
  dataDirectory: string;
  /** Set when HAYMAKER_COSMOS_ENDPOINT is: the run ledger is then in that account's state container. */
  cosmos: CosmosConfig | undefined;
  /** Blob Storage, or files under the data directory (reportStoreFromEnv). */
  reports: ReportStore;
  logLevel: string;
  /** How long after a run's last agent finished its report waits to read the Activity Log. */
  activityLogSettleMs: number;
  bus: BusConnection;
  cloud: CloudControl;
}

export function reportConfig(env: Record<string, string | undefined> = process.env): ReportConfig {
  let dataDirectory: string | undefined;
  const { own, bus, cloud, cosmos, reports } = readConfigParts(SERVICE, {
    own: () => {
      const own = parseEnv(SERVICE, ReportEnv, env);
      dataDirectory = own.HAYMAKER_DATA_DIR;
      return own;
    },
    bus: () => busConnectionFromEnv(env, SERVICE),
    cloud: () => cloudControlFromEnv(env, SERVICE),
    cosmos: () => cosmosConfigFromEnv(env, SERVICE),
    // Parts are read in order, so `own` has given the data directory by now. If it could not, the start is
    // refused whatever this returns; the store's own variables are checked all the same, to be named too.
    reports: () => reportStoreFromEnv(env, SERVICE, dataDirectory ?? "."),
  });
  return {
    dataDirectory: own.HAYMAKER_DATA_DIR,
    cosmos,
    reports,
    logLevel: own.HAYMAKER_LOG_LEVEL,
    activityLogSettleMs: parseIsoDuration(own.HAYMAKER_ACTIVITY_LOG_SETTLE) ?? 0,
    bus,
    cloud,
  };
}
