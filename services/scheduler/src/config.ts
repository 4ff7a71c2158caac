// scheduler's settings: when runs start (a cron expression, UTC), how big and how long they are.
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { logLevelFromEnv, parseEnv } from "@haymaker/config";
import { RUN_SIZES, RunDurationSchema } from "@haymaker/contracts";
import { Cron } from "croner";
import * as v from "valibot";

function isCron(expression: string): boolean {
  try {
    new Cron(expression, { paused: true, timezone: "UTC" }).stop();
    return true;
  } catch {
    return false;
  }
}

const SchedulerEnv = v.object({
  HAYMAKER_SCHEDULE: v.optional(
    v.pipe(
      v.string(),
      v.check(
        (text) => text === "off" || isCron(text),
        'must be a cron expression such as "0 0,6,12,18 * * *" (minute hour day month weekday, UTC), or "off"',
      ),
    ),
    "0 0,6,12,18 * * *",
  ),
  HAYMAKER_RUN_SIZE: v.optional(v.picklist(RUN_SIZES, `must be one of ${RUN_SIZES.join(", ")}`), "small"),
  HAYMAKER_RUN_DURATION: v.optional(RunDurationSchema, "PT8H"),
  HAYMAKER_LOG_LEVEL: v.optional(logLevelFromEnv, "info"),
});

export interface SchedulerConfig {
  schedule: string;
  size: (typeof RUN_SIZES)[number];
  duration: string;
  logLevel: string;
  bus: BusConnection;
}

export function schedulerConfig(env: Record<string, string | undefined> = process.env): SchedulerConfig {
  const parsed = parseEnv("scheduler", SchedulerEnv, env);
  return {
    schedule: parsed.HAYMAKER_SCHEDULE,
    size: parsed.HAYMAKER_RUN_SIZE,
    duration: parsed.HAYMAKER_RUN_DURATION,
    logLevel: parsed.HAYMAKER_LOG_LEVEL,
    bus: busConnectionFromEnv(env, "scheduler"),
  };
}
