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

  it("reads Cosmos DB's variables with the rest, and names their problems with every other part's", () => {
    const cosmos = { HAYMAKER_COSMOS_ENDPOINT: "https://contoso.documents.azure.com:443/" };
    expect(projectorConfig(BUS).cosmos).toBeUndefined();
    expect(projectorConfig({ ...BUS, ...cosmos }).cosmos).toMatchObject({
      endpoint: cosmos.HAYMAKER_COSMOS_ENDPOINT,
    });
    const read = () =>
      projectorConfig({
        HAYMAKER_SERVICEBUS_CONNECTION_STRING: "sb://nope",
        HAYMAKER_PROJECTOR_CONCURRENCY: "0",
        HAYMAKER_COSMOS_ENDPOINT: "not a url",
        HAYMAKER_COSMOS_KEY: "s3cret-key",
      });
    expect(read).toThrow(/^projector cannot start/);
    expect(read).toThrow(/HAYMAKER_PROJECTOR_CONCURRENCY: must be a whole number from 1 to 999/);
    expect(read).toThrow(/HAYMAKER_SERVICEBUS_CONNECTION_STRING: must start with Endpoint=sb:/);
    expect(read).toThrow(/HAYMAKER_COSMOS_ENDPOINT: must be the account's endpoint/);
    expect(read).not.toThrow(/sb:\/\/nope|s3cret-key/);
  });
});
