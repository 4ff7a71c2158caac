// How a phase runs: resident (a long-lived service, the local default) or as one job execution that
// handles what is queued and exits after an idle window (a Container Apps event-triggered job).
import { ConfigError } from "@haymaker/config";

export type RunMode = { kind: "resident" } | { kind: "job"; idleMs: number };

export const UNTIL_IDLE_FLAG = "--until-idle";
export const UNTIL_IDLE_VARIABLE = "HAYMAKER_UNTIL_IDLE";

// ISO 8601 durations of days and time (PT10S, PT1M30S, PT0.5S, P1DT2H); years, months and weeks have no
// fixed length, so they are refused rather than guessed.
const DURATION =
  /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds of an ISO 8601 duration such as PT10S, or undefined when it is not one or is zero. */
export function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (match === null || text === "P" || text.endsWith("T")) return undefined;
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  const ms = (((days ?? 0) * 24 + (hours ?? 0)) * 60 + (minutes ?? 0)) * 60_000 + (seconds ?? 0) * 1000;
  return ms > 0 ? ms : undefined;
}

/**
 * The run mode from the command line (`--until-idle PT10S` or `--until-idle=PT10S`) or, without the flag,
 * HAYMAKER_UNTIL_IDLE. Neither: resident. A bad value throws ConfigError naming where it came from.
 */
export function runModeFrom(phase: string, argv: readonly string[], env: NodeJS.ProcessEnv): RunMode {
  let source: string | undefined;
  let value: string | undefined;
  const at = argv.findIndex((arg) => arg === UNTIL_IDLE_FLAG || arg.startsWith(`${UNTIL_IDLE_FLAG}=`));
  if (at >= 0) {
    source = UNTIL_IDLE_FLAG;
    const arg = argv[at] ?? "";
    value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[at + 1];
  } else if (env[UNTIL_IDLE_VARIABLE] !== undefined && env[UNTIL_IDLE_VARIABLE] !== "") {
    source = UNTIL_IDLE_VARIABLE;
    value = env[UNTIL_IDLE_VARIABLE];
  }
  if (source === undefined) return { kind: "resident" };
  const idleMs = value === undefined ? undefined : durationMs(value);
  if (idleMs === undefined) {
    throw new ConfigError(phase, [
      `${source}: must be a positive ISO 8601 duration of days, hours, minutes or seconds, such as PT10S`,
    ]);
  }
  return { kind: "job", idleMs };
}
