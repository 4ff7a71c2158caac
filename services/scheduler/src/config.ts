// scheduler's settings: when runs start (a cron expression, UTC), how big and how long they are.
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { logLevelFromEnv, parseEnv, readConfigParts, scheduleFromEnv } from "@haymaker/config";
import { RUN_SIZES, RunDurationSchema } from "@haymaker/contracts";
import * as v from "valibot";

const SchedulerEnv = v.object({
  HAYMAKER_SCHEDULE: scheduleFromEnv,
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
  // Both parts are read, so a bad schedule and a bad bus connection are named together.
  const { parsed, bus } = readConfigParts("scheduler", {
    parsed: () => parseEnv("scheduler", SchedulerEnv, env),
    bus: () => busConnectionFromEnv(env, "scheduler"),
  });
  return {
    schedule: parsed.HAYMAKER_SCHEDULE,
    size: parsed.HAYMAKER_RUN_SIZE,
    duration: parsed.HAYMAKER_RUN_DURATION,
    logLevel: parsed.HAYMAKER_LOG_LEVEL,
    bus,
  };
}
