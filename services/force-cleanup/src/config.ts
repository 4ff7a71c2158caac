// force-cleanup's settings: the secret store, where agents run (the runtime deploy starts them in; force-
// cleanup only stops them), how to reach the bus and the cloud. Every part is read before anything connects.
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { type CloudControl, cloudControlFromEnv } from "@haymaker/cloud-control";
import { logLevelFromEnv, parseEnv, readConfigParts } from "@haymaker/config";
import { type AgentRuntime, agentRuntimeFromEnv } from "@haymaker/runtime";
import { type SecretStore, secretStoreFromEnv } from "@haymaker/stores";
import * as v from "valibot";

const SERVICE = "force-cleanup";

const ForceCleanupEnv = v.object({
  HAYMAKER_DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")), ".haymaker"),
  HAYMAKER_LOG_LEVEL: v.optional(logLevelFromEnv, "info"),
});

export interface ForceCleanupConfig {
  dataDirectory: string;
  /** Key Vault, or files under the data directory (secretStoreFromEnv). */
  secrets: SecretStore;
  /** Where deploy runs agents (the same variables choose it). */
  agents: AgentRuntime;
  logLevel: string;
  bus: BusConnection;
  cloud: CloudControl;
}

export function forceCleanupConfig(
  env: Record<string, string | undefined> = process.env,
): ForceCleanupConfig {
  const { own, bus, cloud, secrets, agents } = readConfigParts(SERVICE, {
    own: () => parseEnv(SERVICE, ForceCleanupEnv, env),
    bus: () => busConnectionFromEnv(env, SERVICE),
    cloud: () => cloudControlFromEnv(env, SERVICE),
    secrets: () => secretStoreFromEnv(env, SERVICE),
    agents: () => agentRuntimeFromEnv(env, SERVICE),
  });
  return {
    dataDirectory: own.HAYMAKER_DATA_DIR,
    logLevel: own.HAYMAKER_LOG_LEVEL,
    bus,
    cloud,
    secrets,
    agents,
  };
}
