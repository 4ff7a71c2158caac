// select's settings: where the scenario catalogue is, how to reach the bus, how busy to be.
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { concurrencyFromEnv, logLevelFromEnv, parseEnv, readConfigParts } from "@haymaker/config";
import * as v from "valibot";

const SelectEnv = v.object({
  HAYMAKER_SCENARIOS_DIR: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")), "scenarios"),
  HAYMAKER_SELECT_CONCURRENCY: v.optional(concurrencyFromEnv, "4"),
  HAYMAKER_LOG_LEVEL: v.optional(logLevelFromEnv, "info"),
});

export interface SelectConfig {
  scenariosDirectory: string;
  concurrency: number;
  logLevel: string;
  bus: BusConnection;
}

export function selectConfig(env: Record<string, string | undefined> = process.env): SelectConfig {
  // Both parts are read, so a bad own variable and a bad bus connection are named together.
  const { parsed, bus } = readConfigParts("select", {
    parsed: () => parseEnv("select", SelectEnv, env),
    bus: () => busConnectionFromEnv(env, "select"),
  });
  return {
    scenariosDirectory: parsed.HAYMAKER_SCENARIOS_DIR,
    concurrency: parsed.HAYMAKER_SELECT_CONCURRENCY,
    logLevel: parsed.HAYMAKER_LOG_LEVEL,
    bus,
  };
}
