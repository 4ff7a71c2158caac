// provision's settings: the scenario catalogue (roles and location per scenario), where secrets are kept,
// where its ledger lives (the data directory, or Cosmos DB's state container), how to reach the bus and the
// cloud, how busy to be. Every part is read before anything connects.
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { type CloudControl, cloudControlFromEnv } from "@haymaker/cloud-control";
import { concurrencyFromEnv, logLevelFromEnv, parseEnv, readConfigParts } from "@haymaker/config";
import { type CosmosConfig, cosmosConfigFromEnv } from "@haymaker/projections";
import { type SecretStore, secretStoreFromEnv } from "@haymaker/stores";
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
  /** The ledger is `<dataDirectory>/provision.sqlite`, unless `cosmos` is set. */
  dataDirectory: string;
  /** Set when HAYMAKER_COSMOS_ENDPOINT is: the ledger is then in that account's state container. */
  cosmos: CosmosConfig | undefined;
  /** Key Vault, or files under the data directory (secretStoreFromEnv). */
  secrets: SecretStore;
  concurrency: number;
  logLevel: string;
  bus: BusConnection;
  cloud: CloudControl;
}

export function provisionConfig(env: Record<string, string | undefined> = process.env): ProvisionConfig {
  const { parsed, bus, cloud, secrets, cosmos } = readConfigParts(SERVICE, {
    parsed: () => parseEnv(SERVICE, ProvisionEnv, env),
    bus: () => busConnectionFromEnv(env, SERVICE),
    cloud: () => cloudControlFromEnv(env, SERVICE),
    secrets: () => secretStoreFromEnv(env, SERVICE),
    cosmos: () => cosmosConfigFromEnv(env, SERVICE),
  });
  return {
    scenariosDirectory: parsed.HAYMAKER_SCENARIOS_DIR,
    dataDirectory: parsed.HAYMAKER_DATA_DIR,
    cosmos,
    secrets,
    concurrency: parsed.HAYMAKER_PROVISION_CONCURRENCY,
    logLevel: parsed.HAYMAKER_LOG_LEVEL,
    bus,
    cloud,
  };
}
