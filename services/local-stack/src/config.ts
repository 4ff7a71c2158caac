// The local stack's settings, read from the environment; every one has an embedded default.
import { logLevelFromEnv, parseEnv, portFromEnv } from "@haymaker/config";
import * as v from "valibot";

const LocalStackEnv = v.object({
  HAYMAKER_DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")), ".haymaker"),
  HAYMAKER_BROKER_PORT: v.optional(portFromEnv, "5672"),
  HAYMAKER_SCENARIOS_DIR: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")), "scenarios"),
  HAYMAKER_LOG_LEVEL: v.optional(logLevelFromEnv, "info"),
});

export type LocalStackConfig = v.InferOutput<typeof LocalStackEnv>;

export function localStackConfig(env: Record<string, string | undefined> = process.env): LocalStackConfig {
  return parseEnv("haymaker (local stack)", LocalStackEnv, env);
}
