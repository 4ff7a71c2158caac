// The gateway's settings: where it listens, where the catalogue, projections and reports are, the bus.
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { logLevelFromEnv, parseEnv, portFromEnv, readConfigParts, scheduleFromEnv } from "@haymaker/config";
import * as v from "valibot";
import { type EntraSettings, entraSettingsFromEnv } from "./auth/entra-config.ts";

const SERVICE = "gateway";

const NonEmpty = v.pipe(v.string(), v.minLength(1, "must not be empty"));

const GatewayEnv = v.object({
  HAYMAKER_PORT: v.optional(portFromEnv, "8080"),
  /** Loopback by default: until API keys arrive, only this machine may reach the gateway. */
  HAYMAKER_HOST: v.optional(NonEmpty, "127.0.0.1"),
  HAYMAKER_DATA_DIR: v.optional(NonEmpty, ".haymaker"),
  HAYMAKER_SCENARIOS_DIR: v.optional(NonEmpty, "scenarios"),
  HAYMAKER_LOG_LEVEL: v.optional(logLevelFromEnv, "info"),
  HAYMAKER_EXECUTE_LIMIT: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[1-9]\d{0,4}$/, "must be a whole number of executes a minute, 1 to 99999"),
      v.transform(Number),
    ),
    "10",
  ),
  /** Edit-and-retry of dead letters (admin): off unless turned on. */
  HAYMAKER_DLQ_EDIT: v.optional(v.picklist(["on", "off"], 'must be "on" or "off"'), "off"),
  /** The scheduler's schedule, so /api/status can say when the next run is due. */
  HAYMAKER_SCHEDULE: scheduleFromEnv,
});

export interface GatewayConfig {
  port: number;
  host: string;
  dataDirectory: string;
  scenariosDirectory: string;
  logLevel: string;
  executeLimitPerMinute: number;
  /** A cron expression (UTC) or "off". */
  schedule: string;
  deadLetterEdit: boolean;
  bus: BusConnection;
  /** Set when the gateway also accepts Entra ID access tokens (HAYMAKER_ENTRA_*). */
  entra?: EntraSettings;
}

/** Throws one ConfigError naming every bad variable: the gateway's own, Entra's and the bus's. */
export function gatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const { parsed, entra, bus } = readConfigParts(SERVICE, {
    parsed: () => parseEnv(SERVICE, GatewayEnv, env),
    entra: () => entraSettingsFromEnv(SERVICE, env),
    bus: () => busConnectionFromEnv(env, SERVICE),
  });
  return {
    port: parsed.HAYMAKER_PORT,
    host: parsed.HAYMAKER_HOST,
    dataDirectory: parsed.HAYMAKER_DATA_DIR,
    scenariosDirectory: parsed.HAYMAKER_SCENARIOS_DIR,
    logLevel: parsed.HAYMAKER_LOG_LEVEL,
    executeLimitPerMinute: parsed.HAYMAKER_EXECUTE_LIMIT,
    schedule: parsed.HAYMAKER_SCHEDULE,
    deadLetterEdit: parsed.HAYMAKER_DLQ_EDIT === "on",
    bus,
    ...(entra === undefined ? {} : { entra }),
  };
}
