import { describe, expect, it } from "vitest";
import { schedulerConfig } from "./config.ts";
import { runIdFor, scheduledRun } from "./handler.ts";

const bus = {
  HAYMAKER_SERVICEBUS_CONNECTION_STRING:
    "Endpoint=sb://localhost:5672;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;",
};

describe("scheduler", () => {
  it("names the run after its scheduled time, in UTC, and requests it with the configured size and duration", () => {
    const at = new Date("2026-11-24T06:00:00.000Z");
    expect(runIdFor(at)).toBe("run-20261124-060000");
    const event = scheduledRun(at, { size: "medium", duration: "PT4H" });
    expect(event).toMatchObject({
      type: "com.haymaker.run.requested.v1",
      source: "/haymaker/scheduler",
      correlationid: "run-20261124-060000",
      data: {
        runId: "run-20261124-060000",
        requestedBy: "scheduler",
        requestedAt: "2026-11-24T06:00:00.000Z",
        size: "medium",
        duration: "PT4H",
        tags: {},
      },
    });
  });

  it("requests the same run (same event id) for the same scheduled time, whatever the milliseconds", () => {
    const first = scheduledRun(new Date("2026-11-24T12:00:00.010Z"), { size: "small", duration: "PT8H" });
    const again = scheduledRun(new Date("2026-11-24T12:00:00.990Z"), { size: "small", duration: "PT8H" });
    expect(again.id).toBe(first.id);
    expect(scheduledRun(new Date("2026-11-24T18:00:00Z"), { size: "small", duration: "PT8H" }).id).not.toBe(
      first.id,
    );
  });

  it("defaults to four runs a day, small, eight hours; names bad settings", () => {
    expect(schedulerConfig(bus)).toMatchObject({
      schedule: "0 0,6,12,18 * * *",
      size: "small",
      duration: "PT8H",
    });
    expect(schedulerConfig({ ...bus, HAYMAKER_SCHEDULE: "off" }).schedule).toBe("off");
    expect(() =>
      schedulerConfig({
        ...bus,
        HAYMAKER_SCHEDULE: "every six hours",
        HAYMAKER_RUN_SIZE: "huge",
        HAYMAKER_RUN_DURATION: "8h",
      }),
    ).toThrow(
      /HAYMAKER_SCHEDULE: must be a cron expression[\s\S]*HAYMAKER_RUN_SIZE: must be one of small, medium, large[\s\S]*HAYMAKER_RUN_DURATION: /,
    );
  });
});
