// Which scheduled time a --once execution serves. An Azure Container Apps scheduled job starts some seconds
// (or, when retried, minutes) after its cron time; naming the run after the start would make a retried
// execution request a second run. The slot it serves is the latest scheduled time at or before its start,
// so every execution for one slot requests the same run.
import { Cron } from "croner";

/** The latest time `schedule` (cron, UTC) fires at or before `now`; `now` itself when the schedule is off. */
export function slotServed(schedule: string, now: Date): Date {
  if (schedule === "off") return now;
  const cron = new Cron(schedule, { paused: true, timezone: "UTC" });
  try {
    // previousRuns looks strictly before its reference: a start exactly on the slot still serves it.
    const [slot] = cron.previousRuns(1, new Date(now.getTime() + 1));
    return slot ?? now;
  } finally {
    cron.stop();
  }
}
