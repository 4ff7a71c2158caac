import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { isRfc3339, parseIsoDuration, RunDurationSchema } from "./time.ts";

describe("parseIsoDuration", () => {
  it.each([
    ["PT8H", 8 * 3600_000],
    ["PT1S", 1000],
    ["P7D", 7 * 86_400_000],
    ["P1DT12H30M15S", ((36 * 60 + 30) * 60 + 15) * 1000],
    ["PT90M", 90 * 60_000],
  ])("reads %s", (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  it.each(["", "P", "PT", "8h", "PT8h", "P1Y", "P1M", "P1W", "PT1.5S", "-PT1H", "PT1H ", "P1DT"])(
    "rejects %j",
    (text) => {
      expect(parseIsoDuration(text)).toBeUndefined();
    },
  );

  it("bounds run durations to PT1S..P7D", () => {
    expect(v.is(RunDurationSchema, "PT1S")).toBe(true);
    expect(v.is(RunDurationSchema, "P7D")).toBe(true);
    expect(v.is(RunDurationSchema, "P6DT24H")).toBe(true);
    expect(v.is(RunDurationSchema, "P6DT24H1S")).toBe(false);
    expect(v.is(RunDurationSchema, "PT0S")).toBe(false);
  });
});

describe("isRfc3339", () => {
  it.each([
    "2026-11-24T06:00:00Z",
    "2026-11-24T06:00:00.123Z",
    "2026-11-24T06:00:00.123456789+02:00",
    "2028-02-29T23:59:59-05:30",
  ])("accepts %s", (text) => {
    expect(isRfc3339(text)).toBe(true);
  });

  it.each([
    "2026-11-24",
    "2026-11-24 06:00:00Z",
    "2026-11-24T06:00:00",
    "2026-02-29T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-11-24T24:00:00Z",
    "2026-11-24T06:60:00Z",
    "2026-11-24T06:00:00+24:00",
    "Tue, 24 Nov 2026 06:00:00 GMT",
  ])("rejects %s", (text) => {
    expect(isRfc3339(text)).toBe(false);
  });
});
