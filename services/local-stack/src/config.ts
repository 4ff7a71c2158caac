// The local stack's settings, read from the environment; every one has an embedded default.
import * as v from "valibot";

const port = v.pipe(
  v.string(),
  v.transform(Number),
  v.number(),
  v.integer("must be a whole number"),
  v.minValue(0, "must be 0 (any free port) to 65535"),
  v.maxValue(65535, "must be 0 (any free port) to 65535"),
);

const LocalStackEnv = v.object({
  HAYMAKER_DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")), ".haymaker"),
  HAYMAKER_BROKER_PORT: v.optional(port, "5672"),
  HAYMAKER_LOG_LEVEL: v.optional(
    v.picklist(
      ["fatal", "error", "warn", "info", "debug", "trace", "silent"],
      "must be one of fatal, error, warn, info, debug, trace, silent",
    ),
    "info",
  ),
});

export type LocalStackConfig = v.InferOutput<typeof LocalStackEnv>;

export class LocalStackConfigError extends Error {
  override name = "LocalStackConfigError";
}

/** Parses the environment, naming every bad variable at once. */
export function localStackConfig(env: Record<string, string | undefined> = process.env): LocalStackConfig {
  const result = v.safeParse(LocalStackEnv, env);
  if (result.success) return result.output;
  const problems = result.issues.map((issue) => `${String(issue.path?.[0]?.key)}: ${issue.message}`);
  throw new LocalStackConfigError(`bad local stack settings:\n  ${problems.join("\n  ")}`);
}
