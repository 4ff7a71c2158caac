// deploy's settings: where secrets live, the agent runtime (shared with validate, monitor and force-cleanup,
// so they agree on where agents live and how long a stop waits), and what every agent is told about the
// cloud and the bus. Every part is read before anything connects.
import { resolve } from "node:path";
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import {
  ConfigError,
  concurrencyFromEnv,
  logLevelFromEnv,
  parseEnv,
  readConfigParts,
} from "@haymaker/config";
import { GuidSchema, isoDuration } from "@haymaker/contracts";
import { type AgentRuntime, agentRuntimeFromEnv } from "@haymaker/runtime";
import { type SecretStore, secretStoreFromEnv } from "@haymaker/stores";
import * as v from "valibot";
import { agentBusFromEnv } from "./agent-bus.ts";
import type { AgentSettings } from "./agent-environment.ts";

const SERVICE = "deploy";

const NonEmpty = v.pipe(v.string(), v.minLength(1, "must not be empty"));
const Endpoint = v.pipe(v.string(), v.url("must be an absolute URL such as https://management.azure.com"));

// The runtime's own variables (HAYMAKER_AGENT_JOB_ID, or HAYMAKER_AGENT_COMMAND, HAYMAKER_AGENT_ARGS and
// HAYMAKER_AGENT_GRACE) are read by agentRuntimeFromEnv.
const DeployEnv = v.object({
  HAYMAKER_DATA_DIR: v.optional(NonEmpty, ".haymaker"),
  HAYMAKER_SCENARIOS_DIR: v.optional(NonEmpty, "scenarios"),
  HAYMAKER_CLEANUP_RESERVE: v.optional(isoDuration("PT0S", "P1D")),
  HAYMAKER_ARM_ENDPOINT: v.optional(Endpoint),
  HAYMAKER_AUTHORITY_HOST: v.optional(Endpoint),
  HAYMAKER_DEPLOY_CONCURRENCY: v.optional(concurrencyFromEnv, "4"),
  HAYMAKER_LOG_LEVEL: v.optional(logLevelFromEnv, "info"),
  HAYMAKER_AGENT_IDENTITY_CLIENT_ID: v.optional(GuidSchema),
  HAYMAKER_AGENT_JOB_ID: v.optional(v.string()),
});

export interface DeployConfig {
  /** Local agents' state and logs live under it. */
  dataDirectory: string;
  /** Where agents' secrets are read from: Key Vault, or files under the data directory (secretStoreFromEnv). */
  secrets: SecretStore;
  /** Local agents: state and logs under `<dataDirectory>/agents`. */
  runtime: AgentRuntime;
  concurrency: number;
  logLevel: string;
  bus: BusConnection;
  agent: AgentSettings;
}

export function deployConfig(env: Record<string, string | undefined> = process.env): DeployConfig {
  const ownBus = () => busConnectionFromEnv(env, SERVICE);
  const { parsed, runtime, secrets, bus, agentBus } = readConfigParts(SERVICE, {
    parsed: () => {
      const parsed = parseEnv(SERVICE, DeployEnv, env);
      const inJob = parsed.HAYMAKER_AGENT_JOB_ID !== undefined;
      if (inJob && parsed.HAYMAKER_AGENT_IDENTITY_CLIENT_ID === undefined) {
        throw new ConfigError(SERVICE, [
          "HAYMAKER_AGENT_IDENTITY_CLIENT_ID is required with HAYMAKER_AGENT_JOB_ID: agents in Container Apps read their secret from Key Vault as the job's managed identity (give its client id), since an execution's environment is readable by anyone who may read the job",
        ]);
      }
      if (!inJob && parsed.HAYMAKER_AGENT_IDENTITY_CLIENT_ID !== undefined) {
        // Agents would get a pointer instead of their secret, and no bus credential, with no managed
        // identity to read either: every one would fail at start.
        throw new ConfigError(SERVICE, [
          "HAYMAKER_AGENT_IDENTITY_CLIENT_ID: set it only with HAYMAKER_AGENT_JOB_ID: an agent run as a local process has no managed identity to read its secret with; unset it to hand local agents their secret",
        ]);
      }
      return parsed;
    },
    runtime: () => agentRuntimeFromEnv(env, SERVICE),
    secrets: () => secretStoreFromEnv(env, SERVICE),
    bus: ownBus,
    // HAYMAKER_AGENT_SERVICEBUS_CONNECTION_STRING, checked against deploy's own (see agent-bus.ts); a bad
    // own connection is reported once, by both parts.
    agentBus: () =>
      agentBusFromEnv(SERVICE, env, ownBus(), env.HAYMAKER_AGENT_IDENTITY_CLIENT_ID !== undefined),
  });
  return {
    dataDirectory: resolve(parsed.HAYMAKER_DATA_DIR),
    secrets,
    runtime,
    concurrency: parsed.HAYMAKER_DEPLOY_CONCURRENCY,
    logLevel: parsed.HAYMAKER_LOG_LEVEL,
    bus,
    agent: {
      scenariosDirectory: resolve(parsed.HAYMAKER_SCENARIOS_DIR),
      armEndpoint: parsed.HAYMAKER_ARM_ENDPOINT,
      authorityHost: parsed.HAYMAKER_AUTHORITY_HOST,
      bus: agentBus,
      secretReaderClientId: parsed.HAYMAKER_AGENT_IDENTITY_CLIENT_ID,
      logLevel: parsed.HAYMAKER_LOG_LEVEL,
      cleanupReserve: parsed.HAYMAKER_CLEANUP_RESERVE,
    },
  };
}
