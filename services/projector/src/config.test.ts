import { resolve } from "node:path";
import { ConfigError } from "@haymaker/config";
import { describe, expect, it } from "vitest";
import { projectorConfig } from "./config.ts";

const BUS = {
  HAYMAKER_SERVICEBUS_CONNECTION_STRING:
    "Endpoint=sb://localhost:5672;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;",
};

describe("projector config", () => {
  it("keeps the projections under .haymaker by default, four messages at a time", () => {
    expect(projectorConfig(BUS)).toMatchObject({
      dataDirectory: resolve(".haymaker"),
      concurrency: 4,
      logLevel: "info",
      bus: { connectionString: BUS.HAYMAKER_SERVICEBUS_CONNECTION_STRING },
    });
  });

  it("names each bad variable, never echoing the connection string", () => {
    const bad = {
      HAYMAKER_SERVICEBUS_CONNECTION_STRING: "sb://nope",
      HAYMAKER_PROJECTOR_CONCURRENCY: "0",
      HAYMAKER_DATA_DIR: "",
    };
    const read = () => projectorConfig(bad);
    expect(read).toThrow(ConfigError);
    try {
      read();
    } catch (error) {
      const message = (error as ConfigError).message;
      expect(message).toMatch(/HAYMAKER_DATA_DIR: must not be empty/);
      expect(message).toMatch(/HAYMAKER_PROJECTOR_CONCURRENCY: must be a whole number from 1 to 999/);
      expect(message).not.toContain("sb://nope");
    }
  });
});
