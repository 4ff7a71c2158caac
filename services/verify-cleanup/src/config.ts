// verify-cleanup's settings: where the secret store lives, how to reach the bus and the cloud.
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { type CloudControl, cloudControlFromEnv } from "@haymaker/cloud-control";
import { ConfigError, logLevelFromEnv, parseEnv } from "@haymaker/config";
import * as v from "valibot";

const SERVICE = "verify-cleanup";

const VerifyCleanupEnv = v.object({
  HAYMAKER_DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")), ".haymaker"),
  HAYMAKER_LOG_LEVEL: v.optional(logLevelFromEnv, "info"),
});

export interface VerifyCleanupConfig {
  /** The secret store lives under it (locally). */
  dataDirectory: string;
  logLevel: string;
  bus: BusConnection;
  cloud: CloudControl;
}

export function verifyCleanupConfig(
  env: Record<string, string | undefined> = process.env,
): VerifyCleanupConfig {
  const [own, bus, cloud] = readAll(SERVICE, [
    () => parseEnv(SERVICE, VerifyCleanupEnv, env),
    () => busConnectionFromEnv(env, SERVICE),
    () => cloudControlFromEnv(env, SERVICE),
  ]);
  return { dataDirectory: own.HAYMAKER_DATA_DIR, logLevel: own.HAYMAKER_LOG_LEVEL, bus, cloud };
}

/**
 * Runs every reader, so a refused start names every bad variable at once — the service's own, the bus's
 * and the cloud's — instead of only the first group's.
 */
function readAll<T extends readonly unknown[]>(service: string, readers: { [K in keyof T]: () => T[K] }): T {
  const problems: string[] = [];
  const values = readers.map((read) => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  });
  if (problems.length > 0) throw new ConfigError(service, problems);
  return values as unknown as T;
}
