import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { DEFAULT_SCHEDULE, nextScheduledRun, scheduleFromEnv } from "./schedule.ts";

describe("HAYMAKER_SCHEDULE", () => {
  it("takes a cron expression or off, defaulting to four runs a day", () => {
    expect(v.parse(scheduleFromEnv, undefined)).toBe(DEFAULT_SCHEDULE);
    expect(v.parse(scheduleFromEnv, "off")).toBe("off");
    expect(v.parse(scheduleFromEnv, "*/5 * * * *")).toBe("*/5 * * * *");
    expect(v.safeParse(scheduleFromEnv, "every hour").issues?.[0]?.message).toMatch(/cron expression/);
  });

  it("tells when the next run starts, in UTC, and nothing when off", () => {
    const from = new Date("2026-11-24T07:59:30Z");
    expect(nextScheduledRun(DEFAULT_SCHEDULE, from)?.toISOString()).toBe("2026-11-24T12:00:00.000Z");
    expect(nextScheduledRun("*/5 * * * *", from)?.toISOString()).toBe("2026-11-24T08:00:00.000Z");
    expect(nextScheduledRun("off", from)).toBeUndefined();
  });
});
