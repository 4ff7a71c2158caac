import { describe, expect, it } from "vitest";
import { schedulerConfig } from "./config.ts";

describe("scheduler settings", () => {
  it("names a bad variable of its own and a bad bus connection together, never echoing the connection string", () => {
    const read = () =>
      schedulerConfig({
        HAYMAKER_LOG_LEVEL: "loud",
        HAYMAKER_SERVICEBUS_CONNECTION_STRING: "SharedAccessKey=hunter2",
      });
    expect(read).toThrow(/^scheduler cannot start/);
    expect(read).toThrow(/HAYMAKER_LOG_LEVEL: must be one of/);
    expect(read).toThrow(/HAYMAKER_SERVICEBUS_CONNECTION_STRING: must start with Endpoint=sb:/);
    expect(read).not.toThrow(/hunter2/);
  });
});
