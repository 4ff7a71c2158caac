// HAYMAKER_SCHEDULE, read the same way by the scheduler (which starts runs on it) and the gateway (which
// tells operators when the next one is due): a cron expression in UTC, or "off".
import { Cron } from "croner";
import * as v from "valibot";

export const DEFAULT_SCHEDULE = "0 0,6,12,18 * * *";

function isCron(expression: string): boolean {
  try {
    new Cron(expression, { paused: true, timezone: "UTC" }).stop();
    return true;
  } catch {
    return false;
  }
}

export const scheduleFromEnv = v.optional(
  v.pipe(
    v.string(),
    v.check(
      (text) => text === "off" || isCron(text),
      'must be a cron expression such as "0 0,6,12,18 * * *" (minute hour day month weekday, UTC), or "off"',
    ),
  ),
  DEFAULT_SCHEDULE,
);

/** When a schedule next starts a run after `from`; undefined when it is off or never fires again. */
export function nextScheduledRun(schedule: string, from: Date): Date | undefined {
  if (schedule === "off") return undefined;
  const cron = new Cron(schedule, { paused: true, timezone: "UTC" });
  try {
    return cron.nextRun(from) ?? undefined;
  } finally {
    cron.stop();
  }
}
