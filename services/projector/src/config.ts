// projector's settings: where the projections live (the data directory, or Cosmos DB), how to reach the bus,
// how busy to be. Every part is read before anything connects.
import { resolve } from "node:path";
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { concurrencyFromEnv, logLevelFromEnv, parseEnv, readConfigParts } from "@haymaker/config";
import { type CosmosConfig, cosmosConfigFromEnv } from "@haymaker/projections";
import * as v from "valibot";

const SERVICE = "projector";

const ProjectorEnv = v.object({
  HAYMAKER_DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")), ".haymaker"),
  HAYMAKER_PROJECTOR_CONCURRENCY: v.optional(concurrencyFromEnv, "4"),
  HAYMAKER_LOG_LEVEL: v.optional(logLevelFromEnv, "info"),
});

export interface ProjectorConfig {
  /** Absolute; the projections are kept in <dataDirectory>/projections.sqlite unless `cosmos` is set. */
  dataDirectory: string;
  /** Set when HAYMAKER_COSMOS_ENDPOINT is: the projections are then in that account. */
  cosmos: CosmosConfig | undefined;
  /** Messages handled at once per subscription. */
  concurrency: number;
  logLevel: string;
  bus: BusConnection;
}

export function projectorConfig(env: Record<string, string | undefined> = process.env): ProjectorConfig {
  const { parsed, bus, cosmos } = readConfigParts(SERVICE, {
    parsed: () => parseEnv(SERVICE, ProjectorEnv, env),
    bus: () => busConnectionFromEnv(env, SERVICE),
    cosmos: () => cosmosConfigFromEnv(env, SERVICE),
  });
  return {
    dataDirectory: resolve(parsed.HAYMAKER_DATA_DIR),
    cosmos,
    concurrency: parsed.HAYMAKER_PROJECTOR_CONCURRENCY,
    logLevel: parsed.HAYMAKER_LOG_LEVEL,
    bus,
  };
}
