// force-cleanup's settings: where the secret store and the local agents live, how to reach the bus and
// the cloud.
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { type CloudControl, cloudControlFromEnv } from "@haymaker/cloud-control";
import { logLevelFromEnv, parseEnv, readConfigParts } from "@haymaker/config";
import * as v from "valibot";

const SERVICE = "force-cleanup";

const ForceCleanupEnv = v.object({
  HAYMAKER_DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")), ".haymaker"),
  HAYMAKER_LOG_LEVEL: v.optional(logLevelFromEnv, "info"),
});

export interface ForceCleanupConfig {
  /** The secret store and the local agent runtime live under it. */
  dataDirectory: string;
  logLevel: string;
  bus: BusConnection;
  cloud: CloudControl;
}

export function forceCleanupConfig(
  env: Record<string, string | undefined> = process.env,
): ForceCleanupConfig {
  const { own, bus, cloud } = readConfigParts(SERVICE, {
    own: () => parseEnv(SERVICE, ForceCleanupEnv, env),
    bus: () => busConnectionFromEnv(env, SERVICE),
    cloud: () => cloudControlFromEnv(env, SERVICE),
  });
  return { dataDirectory: own.HAYMAKER_DATA_DIR, logLevel: own.HAYMAKER_LOG_LEVEL, bus, cloud };
}
