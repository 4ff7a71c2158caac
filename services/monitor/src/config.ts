// monitor's settings: how often it looks at a running agent, where its ledger lives (the data directory, or
// Cosmos DB's state container), and the agent runtime (shared with deploy: where agents live, and
// HAYMAKER_AGENT_GRACE, how long an agent gets to stop). Every part is read before anything connects.
import { resolve } from "node:path";
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { concurrencyFromEnv, logLevelFromEnv, parseEnv, readConfigParts } from "@haymaker/config";
import { isoDuration, parseIsoDuration } from "@haymaker/contracts";
import { type CosmosConfig, cosmosConfigFromEnv } from "@haymaker/projections";
import { type AgentRuntime, agentGraceFromEnv, agentRuntimeFromEnv } from "@haymaker/runtime";
import * as v from "valibot";

const SERVICE = "monitor";

const MonitorEnv = v.object({
  HAYMAKER_MONITOR_INTERVAL: v.optional(isoDuration("PT1S", "P1D"), "PT15M"),
  HAYMAKER_DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")), ".haymaker"),
  HAYMAKER_MONITOR_CONCURRENCY: v.optional(concurrencyFromEnv, "4"),
  HAYMAKER_LOG_LEVEL: v.optional(logLevelFromEnv, "info"),
});

export interface MonitorConfig {
  intervalMs: number;
  graceMs: number;
  /** The ledger is `<dataDirectory>/monitor.sqlite`, unless `cosmos` is set. */
  dataDirectory: string;
  /** Set when HAYMAKER_COSMOS_ENDPOINT is: the ledger is then in that account's state container. */
  cosmos: CosmosConfig | undefined;
  /** Local agents under `<dataDirectory>/agents`; monitor only reads their state and stops them. */
  runtime: AgentRuntime;
  concurrency: number;
  logLevel: string;
  bus: BusConnection;
}

export function monitorConfig(env: Record<string, string | undefined> = process.env): MonitorConfig {
  // The runtime reads HAYMAKER_AGENT_GRACE too; readConfigParts names a problem with it once.
  const { parsed, runtime, graceMs, bus, cosmos } = readConfigParts(SERVICE, {
    parsed: () => parseEnv(SERVICE, MonitorEnv, env),
    runtime: () => agentRuntimeFromEnv(env, SERVICE),
    graceMs: () => agentGraceFromEnv(env, SERVICE),
    bus: () => busConnectionFromEnv(env, SERVICE),
    cosmos: () => cosmosConfigFromEnv(env, SERVICE),
  });
  return {
    intervalMs: parseIsoDuration(parsed.HAYMAKER_MONITOR_INTERVAL) ?? 0,
    graceMs,
    dataDirectory: resolve(parsed.HAYMAKER_DATA_DIR),
    cosmos,
    runtime,
    concurrency: parsed.HAYMAKER_MONITOR_CONCURRENCY,
    logLevel: parsed.HAYMAKER_LOG_LEVEL,
    bus,
  };
}
