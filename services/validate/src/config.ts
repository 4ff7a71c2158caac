// validate's settings: where the catalogue is, the secret and report stores and the agent runtime it checks,
// how to reach the bus and the cloud. Every part is read before anything connects.
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { type CloudControl, cloudControlFromEnv } from "@haymaker/cloud-control";
import { logLevelFromEnv, parseEnv, readConfigParts } from "@haymaker/config";
import { type AgentRuntime, agentRuntimeFromEnv } from "@haymaker/runtime";
import { type ReportStore, reportStoreFromEnv, type SecretStore, secretStoreFromEnv } from "@haymaker/stores";
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
  /** Key Vault, or files under the data directory (secretStoreFromEnv). */
  secrets: SecretStore;
  /** Blob Storage, or files under the data directory (reportStoreFromEnv). */
  reports: ReportStore;
  /** Where deploy will run the agents (the same variables choose it). */
  runtime: AgentRuntime;
  bus: BusConnection;
  cloud: CloudControl;
}

/**
 * Throws one ConfigError naming every bad variable: validate's own, the bus's, the cloud's, the runtime's
 * and the secret and report stores'.
 */
export function validateConfig(env: Record<string, string | undefined> = process.env): ValidateConfig {
  let dataDirectory: string | undefined;
  const { parsed, bus, cloud, runtime, secrets, reports } = readConfigParts(SERVICE, {
    parsed: () => {
      const parsed = parseEnv(SERVICE, ValidateEnv, env);
      dataDirectory = parsed.HAYMAKER_DATA_DIR;
      return parsed;
    },
    bus: () => busConnectionFromEnv(env, SERVICE),
    cloud: () => cloudControlFromEnv(env, SERVICE),
    runtime: () => agentRuntimeFromEnv(env, SERVICE),
    secrets: () => secretStoreFromEnv(env, SERVICE),
    // Parts are read in order, so `parsed` has given the data directory by now. If it could not, the start
    // is refused whatever this returns; the store's own variables are checked all the same, to be named too.
    reports: () => reportStoreFromEnv(env, SERVICE, dataDirectory ?? "."),
  });
  return {
    scenariosDirectory: parsed.HAYMAKER_SCENARIOS_DIR,
    dataDirectory: parsed.HAYMAKER_DATA_DIR,
    logLevel: parsed.HAYMAKER_LOG_LEVEL,
    secrets,
    reports,
    runtime,
    bus,
    cloud,
  };
}
