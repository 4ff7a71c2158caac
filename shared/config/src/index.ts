// Every HayMaker service reads its settings from the environment through a valibot schema, and refuses to
// start on a bad one with a message naming each missing or bad variable at once — never its value, which
// may be a secret.
import * as v from "valibot";

export class ConfigError extends Error {
  override name = "ConfigError";
  /** `VARIABLE: what is wrong`, one per problem. */
  readonly problems: readonly string[];
  constructor(service: string, problems: readonly string[]) {
    super(`${service} cannot start; fix these environment variables:\n  ${problems.join("\n  ")}`);
    this.problems = problems;
  }
}

type EnvSchema = v.ObjectSchema<v.ObjectEntries, v.ErrorMessage<v.ObjectIssue> | undefined>;

/** Parses `env` with `schema`; throws ConfigError listing every bad variable. */
export function parseEnv<S extends EnvSchema>(
  service: string,
  schema: S,
  env: Record<string, string | undefined> = process.env,
): v.InferOutput<S> {
  const result = v.safeParse(schema, env, { abortPipeEarly: true });
  if (result.success) return result.output;
  const problems = result.issues.map((issue) => {
    const variable = issue.path?.map((item) => String(item.key)).join(".") ?? "environment";
    const message = issue.input === undefined && issue.kind === "schema" ? "is required" : issue.message;
    return `${variable}: ${message}`;
  });
  throw new ConfigError(service, [...new Set(problems)]);
}

/**
 * Reads a service's settings at start-up; on a ConfigError prints its message (every bad variable, no
 * stack) and exits with code 2, the usage-error code every HayMaker command uses.
 */
export function configOrExit<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}

/** A TCP port from an environment string: 0 (any free port) to 65535. */
export const portFromEnv = v.pipe(
  v.string(),
  v.regex(/^\d+$/, "must be a port number from 0 (any free port) to 65535"),
  v.transform(Number),
  v.maxValue(65535, "must be a port number from 0 (any free port) to 65535"),
);

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export const logLevelFromEnv = v.picklist(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(", ")}`);
