// projector's settings: where the projections file lives, how to reach the bus, how busy to be.
import { resolve } from "node:path";
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { concurrencyFromEnv, logLevelFromEnv, parseEnv } from "@haymaker/config";
import * as v from "valibot";

const ProjectorEnv = v.object({
  HAYMAKER_DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")), ".haymaker"),
  HAYMAKER_PROJECTOR_CONCURRENCY: v.optional(concurrencyFromEnv, "4"),
  HAYMAKER_LOG_LEVEL: v.optional(logLevelFromEnv, "info"),
});

export interface ProjectorConfig {
  /** Absolute; the projections are kept in <dataDirectory>/projections.sqlite. */
  dataDirectory: string;
  /** Messages handled at once per subscription. */
  concurrency: number;
  logLevel: string;
  bus: BusConnection;
}

export function projectorConfig(env: Record<string, string | undefined> = process.env): ProjectorConfig {
  const parsed = parseEnv("projector", ProjectorEnv, env);
  return {
    dataDirectory: resolve(parsed.HAYMAKER_DATA_DIR),
    concurrency: parsed.HAYMAKER_PROJECTOR_CONCURRENCY,
    logLevel: parsed.HAYMAKER_LOG_LEVEL,
    bus: busConnectionFromEnv(env, "projector"),
  };
}
