// The local stack's settings, read from the environment; every one has an embedded default.
import { logLevelFromEnv, parseEnv, portFromEnv } from "@haymaker/config";
import { parseIsoDuration } from "@haymaker/contracts";
import * as v from "valibot";

const NonEmpty = v.pipe(v.string(), v.minLength(1, "must not be empty"));
const Duration = v.pipe(
  v.string(),
  v.check((text) => (parseIsoDuration(text) ?? -1) > 0, "must be an ISO 8601 duration such as PT5S"),
);

const FAULT_CATEGORIES = ["read", "write", "delete", "action", "list"] as const;
const FAULTS_MESSAGE = `must be comma-separated <kind>=<rate> pairs, kind one of ${FAULT_CATEGORIES.join(", ")}, rate from 0 to 1 (e.g. delete=0.3)`;

/** "delete=0.3,write=0.1" → rates the sandbox cloud fails calls of each kind with (409/429/500). */
function parseFaults(text: string): Partial<Record<(typeof FAULT_CATEGORIES)[number], number>> | undefined {
  const rates: Partial<Record<(typeof FAULT_CATEGORIES)[number], number>> = {};
  for (const pair of text.split(",").filter((p) => p.trim() !== "")) {
    const [kind, rate] = pair.split("=").map((part) => part.trim());
    const value = Number(rate);
    if (!FAULT_CATEGORIES.includes(kind as never) || rate === "" || !(value >= 0 && value <= 1))
      return undefined;
    rates[kind as (typeof FAULT_CATEGORIES)[number]] = value;
  }
  return rates;
}

const LocalStackEnv = v.object({
  /** Chaos for trying cleanup locally: the sandbox fails this share of calls of each kind. */
  HAYMAKER_SANDBOX_FAULTS: v.optional(
    v.pipe(
      v.string(),
      v.check((text) => parseFaults(text) !== undefined, FAULTS_MESSAGE),
      v.transform((text) => parseFaults(text) ?? {}),
    ),
  ),
  HAYMAKER_DATA_DIR: v.optional(NonEmpty, ".haymaker"),
  HAYMAKER_PORT: v.optional(portFromEnv, "8080"),
  HAYMAKER_BROKER_PORT: v.optional(portFromEnv, "5672"),
  HAYMAKER_SANDBOX_PORT: v.optional(portFromEnv, "8081"),
  HAYMAKER_SCENARIOS_DIR: v.optional(NonEmpty, "scenarios"),
  HAYMAKER_LOG_LEVEL: v.optional(logLevelFromEnv, "info"),
  /** Locally agents run for seconds or minutes, so monitor looks at them every few seconds. */
  HAYMAKER_MONITOR_INTERVAL: v.optional(Duration, "PT2S"),
  HAYMAKER_AGENT_GRACE: v.optional(Duration, "PT30S"),
});

export type LocalStackConfig = v.InferOutput<typeof LocalStackEnv>;

export function localStackConfig(env: Record<string, string | undefined> = process.env): LocalStackConfig {
  return parseEnv("haymaker (local stack)", LocalStackEnv, env);
}
