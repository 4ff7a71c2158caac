// report's settings: where the run ledger and the local reports live, how to reach the bus and the cloud,
// and how long the Activity Log takes to settle (settle.ts).
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { type CloudControl, cloudControlFromEnv } from "@haymaker/cloud-control";
import { logLevelFromEnv, parseEnv, readConfigParts } from "@haymaker/config";
import { isoDuration, parseIsoDuration } from "@haymaker/contracts";
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
  /** The run ledger (report.sqlite) and, locally, the reports live under it. */
  dataDirectory: string;
  logLevel: string;
  /** How long after a run's last agent finished its report waits to read the Activity Log. */
  activityLogSettleMs: number;
  bus: BusConnection;
  cloud: CloudControl;
}

export function reportConfig(env: Record<string, string | undefined> = process.env): ReportConfig {
  const { own, bus, cloud } = readConfigParts(SERVICE, {
    own: () => parseEnv(SERVICE, ReportEnv, env),
    bus: () => busConnectionFromEnv(env, SERVICE),
    cloud: () => cloudControlFromEnv(env, SERVICE),
  });
  return {
    dataDirectory: own.HAYMAKER_DATA_DIR,
    logLevel: own.HAYMAKER_LOG_LEVEL,
    activityLogSettleMs: parseIsoDuration(own.HAYMAKER_ACTIVITY_LOG_SETTLE) ?? 0,
    bus,
    cloud,
  };
}
