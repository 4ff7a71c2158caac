// report's settings: where the run ledger and the local reports live, how to reach the bus and the cloud.
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { type CloudControl, cloudControlFromEnv } from "@haymaker/cloud-control";
import { logLevelFromEnv, parseEnv, readConfigParts } from "@haymaker/config";
import * as v from "valibot";

const SERVICE = "report";

const ReportEnv = v.object({
  HAYMAKER_DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")), ".haymaker"),
  HAYMAKER_LOG_LEVEL: v.optional(logLevelFromEnv, "info"),
});

export interface ReportConfig {
  /** The run ledger (report.sqlite) and, locally, the reports live under it. */
  dataDirectory: string;
  logLevel: string;
  bus: BusConnection;
  cloud: CloudControl;
}

export function reportConfig(env: Record<string, string | undefined> = process.env): ReportConfig {
  const { own, bus, cloud } = readConfigParts(SERVICE, {
    own: () => parseEnv(SERVICE, ReportEnv, env),
    bus: () => busConnectionFromEnv(env, SERVICE),
    cloud: () => cloudControlFromEnv(env, SERVICE),
  });
  return { dataDirectory: own.HAYMAKER_DATA_DIR, logLevel: own.HAYMAKER_LOG_LEVEL, bus, cloud };
}
