// provision's settings: the scenario catalogue (roles and location per scenario), where secrets are kept,
// how to reach the bus and the cloud, how busy to be.
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { type CloudControl, cloudControlFromEnv } from "@haymaker/cloud-control";
import { concurrencyFromEnv, logLevelFromEnv, parseEnv, readConfigParts } from "@haymaker/config";
import * as v from "valibot";

const SERVICE = "provision";

const ProvisionEnv = v.object({
  HAYMAKER_SCENARIOS_DIR: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")), "scenarios"),
  HAYMAKER_DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")), ".haymaker"),
  HAYMAKER_PROVISION_CONCURRENCY: v.optional(concurrencyFromEnv, "4"),
  HAYMAKER_LOG_LEVEL: v.optional(logLevelFromEnv, "info"),
});

export interface ProvisionConfig {
  scenariosDirectory: string;
  /** Secrets are kept under `<dataDirectory>/secrets`. */
  dataDirectory: string;
  concurrency: number;
  logLevel: string;
  bus: BusConnection;
  cloud: CloudControl;
}

export function provisionConfig(env: Record<string, string | undefined> = process.env): ProvisionConfig {
  const { parsed, bus, cloud } = readConfigParts(SERVICE, {
    parsed: () => parseEnv(SERVICE, ProvisionEnv, env),
    bus: () => busConnectionFromEnv(env, SERVICE),
    cloud: () => cloudControlFromEnv(env, SERVICE),
  });
  return {
    scenariosDirectory: parsed.HAYMAKER_SCENARIOS_DIR,
    dataDirectory: parsed.HAYMAKER_DATA_DIR,
    concurrency: parsed.HAYMAKER_PROVISION_CONCURRENCY,
    logLevel: parsed.HAYMAKER_LOG_LEVEL,
    bus,
    cloud,
  };
}
