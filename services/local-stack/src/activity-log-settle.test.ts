import { AZURE_REALISM, NO_REALISM } from "@haymaker/sandbox-cloud";
import { describe, expect, it } from "vitest";
import { activityLogSettleFor } from "./activity-log-settle.ts";

describe("the report's settle window in the local stack", () => {
  it("is nothing when the sandbox logs at once, and outlasts the sandbox's delay when it does not", () => {
    expect(activityLogSettleFor(NO_REALISM)).toBe("PT0S");
    expect(activityLogSettleFor({ activityLogDelayMs: 3_000 })).toBe("PT4S");
    expect(activityLogSettleFor({ activityLogDelayMs: 2_500 })).toBe("PT4S");
    expect(activityLogSettleFor(AZURE_REALISM)).toMatch(/^PT\d+S$/);
  });
});
