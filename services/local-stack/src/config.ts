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
type FaultCategory = (typeof FAULT_CATEGORIES)[number];
const FAULTS_MESSAGE = `must be comma-separated <kind>=<rate> pairs, kind one of ${FAULT_CATEGORIES.join(", ")}, rate from 0 to 1, plus an optional seed=<integer> (e.g. delete=0.3,seed=4)`;

export interface SandboxFaults {
  rates: Partial<Record<FaultCategory, number>>;
  seed?: number;
}

/** "delete=0.3,seed=4" → the sandbox fails that share of each kind of call (409/429/500), replayably. */
function parseFaults(text: string): SandboxFaults | undefined {
  const faults: SandboxFaults = { rates: {} };
  for (const pair of text.split(",").filter((p) => p.trim() !== "")) {
    const [kind = "", value = ""] = pair.split("=").map((part) => part.trim());
    const number = Number(value);
    if (kind === "seed" && /^\d+$/.test(value)) faults.seed = number;
    else if (FAULT_CATEGORIES.includes(kind as never) && value !== "" && number >= 0 && number <= 1) {
      faults.rates[kind as FaultCategory] = number;
    } else return undefined;
  }
  return faults;
}

const LocalStackEnv = v.object({
  /**
   * local (default): the embedded defaults (files, SQLite, local processes). azure: every service on its
   * Azure adapter against local stand-ins that behave like Azure (see src/azure-profile/).
   */
  HAYMAKER_PROFILE: v.optional(
    v.picklist(["local", "azure"], 'must be "local" (the embedded defaults) or "azure" (the Azure adapters)'),
    "local",
  ),
  /** Chaos for trying cleanup locally: the sandbox fails this share of calls of each kind. */
  HAYMAKER_SANDBOX_FAULTS: v.optional(
    v.pipe(
      v.string(),
      v.check((text) => parseFaults(text) !== undefined, FAULTS_MESSAGE),
      v.transform((text) => parseFaults(text) ?? { rates: {} }),
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
