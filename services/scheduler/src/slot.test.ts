import { describe, expect, it } from "vitest";
import { runIdFor } from "./handler.ts";
import { slotServed } from "./slot.ts";

describe("slotServed", () => {
  const schedule = "0 0,6,12,18 * * *";

  it("is the latest scheduled time at or before the start, in UTC", () => {
    expect(slotServed(schedule, new Date("2026-11-24T06:00:07Z")).toISOString()).toBe(
      "2026-11-24T06:00:00.000Z",
    );
    expect(slotServed(schedule, new Date("2026-11-24T11:59:59Z")).toISOString()).toBe(
      "2026-11-24T06:00:00.000Z",
    );
    expect(slotServed(schedule, new Date("2026-11-24T12:00:00Z")).toISOString()).toBe(
      "2026-11-24T12:00:00.000Z",
    );
    expect(slotServed(schedule, new Date("2026-11-25T02:00:00Z")).toISOString()).toBe(
      "2026-11-25T00:00:00.000Z",
    );
  });

  it("gives a retried execution the same run id as the first", () => {
    const first = slotServed(schedule, new Date("2026-11-24T18:00:03Z"));
    const retry = slotServed(schedule, new Date("2026-11-24T18:04:41Z"));
    expect(runIdFor(retry)).toBe(runIdFor(first));
    expect(runIdFor(first)).toBe("run-20261124-180000");
  });

  it("is the start itself when scheduled runs are off", () => {
    const now = new Date("2026-11-24T07:13:00Z");
    expect(slotServed("off", now)).toBe(now);
  });
});
