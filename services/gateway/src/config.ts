// The gateway's settings: where it listens, where the catalogue, projections, shared state (keys, budgets,
// replay operations) and reports are, the bus. Every part is read before anything connects.
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { logLevelFromEnv, parseEnv, portFromEnv, readConfigParts, scheduleFromEnv } from "@haymaker/config";
import { type CosmosConfig, cosmosConfigFromEnv } from "@haymaker/projections";
import { type ReportStore, reportStoreFromEnv } from "@haymaker/stores";
import * as v from "valibot";
import { type EntraSettings, entraSettingsFromEnv } from "./auth/entra-config.ts";
import { DEFAULT_WRITE_LIMIT_PER_MINUTE } from "./auth/rate-limit.ts";
import { DEFAULT_STREAM_LIMITS, type StreamLimits } from "./streams/stream-slots.ts";

const SERVICE = "gateway";

const NonEmpty = v.pipe(v.string(), v.minLength(1, "must not be empty"));

/** A whole number from 1 to 99999, e.g. a limit; `what` says what it counts. */
const wholeNumber = (what: string) =>
  v.pipe(
    v.string(),
    v.regex(/^[1-9]\d{0,4}$/, `must be a whole number of ${what}, 1 to 99999`),
    v.transform(Number),
  );

const GatewayEnv = v.object({
  HAYMAKER_PORT: v.optional(portFromEnv, "8080"),
  /** Loopback by default: until API keys arrive, only this machine may reach the gateway. */
  HAYMAKER_HOST: v.optional(NonEmpty, "127.0.0.1"),
  HAYMAKER_DATA_DIR: v.optional(NonEmpty, ".haymaker"),
  HAYMAKER_SCENARIOS_DIR: v.optional(NonEmpty, "scenarios"),
  HAYMAKER_LOG_LEVEL: v.optional(logLevelFromEnv, "info"),
  HAYMAKER_EXECUTE_LIMIT: v.optional(wholeNumber("executes a minute"), "10"),
  /** Every other write (cancel, cleanup, keys, dead letters), per caller and minute. */
  HAYMAKER_WRITE_LIMIT: v.optional(wholeNumber("writes a minute"), String(DEFAULT_WRITE_LIMIT_PER_MINUTE)),
  /** Server-Sent Event streams open at once: per caller, and in all (per replica). */
  HAYMAKER_STREAMS_PER_CALLER: v.optional(wholeNumber("streams"), String(DEFAULT_STREAM_LIMITS.perCaller)),
  HAYMAKER_STREAMS_TOTAL: v.optional(wholeNumber("streams"), String(DEFAULT_STREAM_LIMITS.total)),
  /** Edit-and-retry of dead letters (admin): off unless turned on. */
  HAYMAKER_DLQ_EDIT: v.optional(v.picklist(["on", "off"], 'must be "on" or "off"'), "off"),
  /** The scheduler's schedule, so /api/status can say when the next run is due. */
  HAYMAKER_SCHEDULE: scheduleFromEnv,
});

export interface GatewayConfig {
  port: number;
  host: string;
  /** Projections, keys and replay operations live under it unless `cosmos` is set; so do reports, locally. */
  dataDirectory: string;
  /** Set when HAYMAKER_COSMOS_ENDPOINT is: projections, keys, budgets and replay operations are then there. */
  cosmos: CosmosConfig | undefined;
  /** Blob Storage, or files under the data directory (reportStoreFromEnv). */
  reports: ReportStore;
  scenariosDirectory: string;
  logLevel: string;
  executeLimitPerMinute: number;
  writeLimitPerMinute: number;
  streamLimits: StreamLimits;
  /** A cron expression (UTC) or "off". */
  schedule: string;
  deadLetterEdit: boolean;
  bus: BusConnection;
  /** Set when the gateway also accepts Entra ID access tokens (HAYMAKER_ENTRA_*). */
  entra?: EntraSettings;
}

/**
 * Throws one ConfigError naming every bad variable: the gateway's own, Entra's, the bus's, Cosmos DB's and
 * the report store's.
 */
export function gatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  let dataDirectory: string | undefined;
  const { parsed, entra, bus, cosmos, reports } = readConfigParts(SERVICE, {
    parsed: () => {
      const parsed = parseEnv(SERVICE, GatewayEnv, env);
      dataDirectory = parsed.HAYMAKER_DATA_DIR;
      return parsed;
    },
    entra: () => entraSettingsFromEnv(SERVICE, env),
    bus: () => busConnectionFromEnv(env, SERVICE),
    cosmos: () => cosmosConfigFromEnv(env, SERVICE),
    // Parts are read in order, so `parsed` has given the data directory by now. If it could not, the start
    // is refused whatever this returns; the store's own variables are checked all the same, to be named too.
    reports: () => reportStoreFromEnv(env, SERVICE, dataDirectory ?? "."),
  });
  return {
    port: parsed.HAYMAKER_PORT,
    host: parsed.HAYMAKER_HOST,
    dataDirectory: parsed.HAYMAKER_DATA_DIR,
    cosmos,
    reports,
    scenariosDirectory: parsed.HAYMAKER_SCENARIOS_DIR,
    logLevel: parsed.HAYMAKER_LOG_LEVEL,
    executeLimitPerMinute: parsed.HAYMAKER_EXECUTE_LIMIT,
    writeLimitPerMinute: parsed.HAYMAKER_WRITE_LIMIT,
    streamLimits: { perCaller: parsed.HAYMAKER_STREAMS_PER_CALLER, total: parsed.HAYMAKER_STREAMS_TOTAL },
    schedule: parsed.HAYMAKER_SCHEDULE,
    deadLetterEdit: parsed.HAYMAKER_DLQ_EDIT === "on",
    bus,
    ...(entra === undefined ? {} : { entra }),
  };
}
