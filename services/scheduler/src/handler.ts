// scheduler: at each scheduled time, request a run. The run id is the scheduled time itself (UTC), and the
// event id derives from it, so a second scheduler instance, or a retry after a failed publish, requests the
// same run rather than another one — downstream handlers are idempotent per run id.
import { deterministicEventId, newEvent } from "@haymaker/cloudevents";
import type { EventOf, RunSize } from "@haymaker/contracts";

export const SOURCE = "/haymaker/scheduler";

export interface ScheduleSettings {
  size: RunSize;
  /** ISO-8601, e.g. PT8H. */
  duration: string;
}

/** run-YYYYMMDD-HHMMSS of the scheduled time, in UTC. */
export function runIdFor(at: Date): string {
  const iso = at.toISOString(); // 2026-11-24T06:00:00.000Z
  return `run-${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}`;
}

export function scheduledRun(at: Date, settings: ScheduleSettings): EventOf<"run.requested"> {
  const scheduledAt = new Date(Math.floor(at.getTime() / 1000) * 1000);
  const runId = runIdFor(scheduledAt);
  return newEvent("run.requested", {
    source: SOURCE,
    id: deterministicEventId(SOURCE, runId),
    data: {
      runId,
      requestedBy: "scheduler",
      requestedAt: scheduledAt.toISOString(),
      size: settings.size,
      duration: settings.duration,
      tags: {},
    },
  });
}
