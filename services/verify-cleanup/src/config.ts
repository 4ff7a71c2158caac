// verify-cleanup's settings: the secret store, how to reach the bus and the cloud. Every part is read
// before anything connects.
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { type CloudControl, cloudControlFromEnv } from "@haymaker/cloud-control";
import { logLevelFromEnv, parseEnv, readConfigParts } from "@haymaker/config";
import { type SecretStore, secretStoreFromEnv } from "@haymaker/stores";
import * as v from "valibot";

const SERVICE = "verify-cleanup";

const VerifyCleanupEnv = v.object({
  HAYMAKER_DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")), ".haymaker"),
  HAYMAKER_LOG_LEVEL: v.optional(logLevelFromEnv, "info"),
});

export interface VerifyCleanupConfig {
  dataDirectory: string;
  /** Key Vault, or files under the data directory (secretStoreFromEnv). */
  secrets: SecretStore;
  logLevel: string;
  bus: BusConnection;
  cloud: CloudControl;
}

export function verifyCleanupConfig(
  env: Record<string, string | undefined> = process.env,
): VerifyCleanupConfig {
  const { own, bus, cloud, secrets } = readConfigParts(SERVICE, {
    own: () => parseEnv(SERVICE, VerifyCleanupEnv, env),
    bus: () => busConnectionFromEnv(env, SERVICE),
    cloud: () => cloudControlFromEnv(env, SERVICE),
    secrets: () => secretStoreFromEnv(env, SERVICE),
  });
  return { dataDirectory: own.HAYMAKER_DATA_DIR, logLevel: own.HAYMAKER_LOG_LEVEL, bus, cloud, secrets };
}
