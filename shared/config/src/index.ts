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
 * Reads every part of a service's settings — its own variables, the bus's, the cloud's… — even after one
 * fails, so a refused start names every bad variable at once instead of only the first part's. Returns
 * each part's value under its name. If any part throws a ConfigError, throws one ConfigError for `service`
 * with all their problems in part order, each once (two parts may check the same variable). Anything else
 * a part throws is a bug rather than a bad setting, and is rethrown as it is.
 */
export function readConfigParts<Parts extends Record<string, () => unknown>>(
  service: string,
  parts: Parts,
): { [Name in keyof Parts]: ReturnType<Parts[Name]> } {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  let failed = false;
  for (const [name, read] of Object.entries(parts)) {
    try {
      values[name] = read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      failed = true;
      problems.push(...error.problems);
    }
  }
  if (failed) throw new ConfigError(service, [...new Set(problems)]);
  return values as { [Name in keyof Parts]: ReturnType<Parts[Name]> };
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

/** How many messages a service handles at once: a whole number from 1 to 999. */
export const concurrencyFromEnv = v.pipe(
  v.string(),
  v.regex(/^[1-9]\d{0,2}$/, "must be a whole number from 1 to 999"),
  v.transform(Number),
);

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export const logLevelFromEnv = v.picklist(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(", ")}`);
export { DEFAULT_SCHEDULE, nextScheduledRun, scheduleFromEnv } from "./schedule.ts";
