import { describe, expect, it } from "vitest";
import {
  defaultCleanupReserveMs,
  MAX_CLEANUP_RESERVE_MS,
  MIN_CLEANUP_RESERVE_MS,
  mayOperate,
  operateWindow,
  planPause,
} from "./schedule.ts";

const HOUR = 3_600_000;

describe("the operate window", () => {
  it("reserves a tenth of the time left for cleanup, between 5 seconds and 10 minutes", () => {
    expect(defaultCleanupReserveMs(HOUR)).toBe(6 * 60_000);
    expect(defaultCleanupReserveMs(8 * HOUR)).toBe(MAX_CLEANUP_RESERVE_MS);
    expect(defaultCleanupReserveMs(5_000)).toBe(MIN_CLEANUP_RESERVE_MS);
    expect(defaultCleanupReserveMs(-60_000)).toBe(MIN_CLEANUP_RESERVE_MS);
  });

  it("ends the reserve before the deadline, using the run's reserve when it gives one", () => {
    const start = Date.parse("2026-11-24T06:00:00Z");
    const deadline = start + 8 * HOUR;
    expect(operateWindow(deadline, start)).toEqual({
      endsAt: deadline - MAX_CLEANUP_RESERVE_MS,
      cleanupReserveMs: MAX_CLEANUP_RESERVE_MS,
    });
    expect(operateWindow(deadline, start, 0)).toEqual({ endsAt: deadline, cleanupReserveMs: 0 });
  });

  it("has already closed when the deadline is nearer than the reserve: operate is skipped", () => {
    const start = 1_000_000;
    const { endsAt } = operateWindow(start + 1_000, start);
    expect(mayOperate(start, endsAt)).toBe(false);
    expect(mayOperate(start, start + 1)).toBe(true);
  });

  it("never lets a pause sleep past the end of the window", () => {
    expect(planPause(15 * 60_000, 0, HOUR)).toEqual({ waitMs: 15 * 60_000, cutShort: false });
    expect(planPause(15 * 60_000, HOUR - 4_000, HOUR)).toEqual({ waitMs: 4_000, cutShort: true });
    expect(planPause(1_000, HOUR + 5, HOUR)).toEqual({ waitMs: 0, cutShort: true });
  });
});
