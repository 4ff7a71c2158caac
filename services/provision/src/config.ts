// provision's settings: the scenario catalogue (roles and location per scenario), where secrets are kept,
// how to reach the bus and the cloud, how busy to be.
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { type CloudControl, cloudControlFromEnv } from "@haymaker/cloud-control";
import { ConfigError, logLevelFromEnv, parseEnv } from "@haymaker/config";
import * as v from "valibot";

const SERVICE = "provision";

const ProvisionEnv = v.object({
  HAYMAKER_SCENARIOS_DIR: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")), "scenarios"),
  HAYMAKER_DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")), ".haymaker"),
  HAYMAKER_PROVISION_CONCURRENCY: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[1-9]\d{0,2}$/, "must be a whole number from 1 to 999"),
      v.transform(Number),
    ),
    "4",
  ),
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
  const problems: string[] = [];
  // Each part is read even when another failed, so one start names every bad variable.
  const read = <T>(part: () => T): T | undefined => {
    try {
      return part();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const parsed = read(() => parseEnv(SERVICE, ProvisionEnv, env));
  const bus = read(() => busConnectionFromEnv(env, SERVICE));
  const cloud = read(() => cloudControlFromEnv(env, SERVICE));
  if (parsed === undefined || bus === undefined || cloud === undefined)
    throw new ConfigError(SERVICE, problems);
  return {
    scenariosDirectory: parsed.HAYMAKER_SCENARIOS_DIR,
    dataDirectory: parsed.HAYMAKER_DATA_DIR,
    concurrency: parsed.HAYMAKER_PROVISION_CONCURRENCY,
    logLevel: parsed.HAYMAKER_LOG_LEVEL,
    bus,
    cloud,
  };
}
