// validate's settings: where the catalogue and the local stores are, how to reach the bus and the cloud.
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { type CloudControl, cloudControlFromEnv } from "@haymaker/cloud-control";
import { logLevelFromEnv, parseEnv, readConfigParts } from "@haymaker/config";
import * as v from "valibot";

const SERVICE = "validate";

const NonEmpty = v.pipe(v.string(), v.minLength(1, "must not be empty"));

const ValidateEnv = v.object({
  HAYMAKER_SCENARIOS_DIR: v.optional(NonEmpty, "scenarios"),
  HAYMAKER_DATA_DIR: v.optional(NonEmpty, ".haymaker"),
  HAYMAKER_LOG_LEVEL: v.optional(logLevelFromEnv, "info"),
});

export interface ValidateConfig {
  scenariosDirectory: string;
  dataDirectory: string;
  logLevel: string;
  bus: BusConnection;
  cloud: CloudControl;
}

/** Throws one ConfigError naming every bad variable: validate's own, the bus's and the cloud's. */
export function validateConfig(env: Record<string, string | undefined> = process.env): ValidateConfig {
  const { parsed, bus, cloud } = readConfigParts(SERVICE, {
    parsed: () => parseEnv(SERVICE, ValidateEnv, env),
    bus: () => busConnectionFromEnv(env, SERVICE),
    cloud: () => cloudControlFromEnv(env, SERVICE),
  });
  return {
    scenariosDirectory: parsed.HAYMAKER_SCENARIOS_DIR,
    dataDirectory: parsed.HAYMAKER_DATA_DIR,
    logLevel: parsed.HAYMAKER_LOG_LEVEL,
    bus,
    cloud,
  };
}
