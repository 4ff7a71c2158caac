import { ConfigError } from "@haymaker/config";
import { describe, expect, it } from "vitest";
import { cosmosConfigFromEnv } from "./cosmos-config.ts";

const ENDPOINT = "https://contoso.documents.azure.com:443/";
const KEY = "c2VjcmV0LWFjY291bnQta2V5";

function problems(env: Record<string, string>): readonly string[] {
  try {
    cosmosConfigFromEnv(env, "projector");
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    expect(error.message).toMatch(/^projector cannot start/);
    expect(error.message).not.toContain(KEY);
    return error.problems;
  }
  throw new Error("expected a ConfigError");
}

describe("cosmosConfigFromEnv", () => {
  it("keeps the projections local when no endpoint is set", () => {
    expect(cosmosConfigFromEnv({})).toBeUndefined();
  });

  it("reads the endpoint, key and database, defaulting the database to haymaker", () => {
    expect(cosmosConfigFromEnv({ HAYMAKER_COSMOS_ENDPOINT: ENDPOINT, HAYMAKER_COSMOS_KEY: KEY })).toEqual({
      endpoint: ENDPOINT,
      key: KEY,
      database: "haymaker",
      logTtlDays: undefined,
      processedEventTtlDays: undefined,
    });
  });

  it("signs in with Azure credentials when no key is set, and reads the retention in days", () => {
    const config = cosmosConfigFromEnv({
      HAYMAKER_COSMOS_ENDPOINT: ENDPOINT,
      HAYMAKER_COSMOS_DATABASE: "haymaker-prod",
      HAYMAKER_COSMOS_LOG_TTL_DAYS: "14",
      HAYMAKER_COSMOS_PROCESSED_EVENT_TTL_DAYS: "120",
    });
    expect(config).toEqual({
      endpoint: ENDPOINT,
      key: undefined,
      database: "haymaker-prod",
      logTtlDays: 14,
      processedEventTtlDays: 120,
    });
  });

  it("talks plain HTTP to a local emulator as given, with its key", () => {
    const config = cosmosConfigFromEnv({
      HAYMAKER_COSMOS_ENDPOINT: "http://127.0.0.1:8081",
      HAYMAKER_COSMOS_KEY: KEY,
    });
    expect(config?.clientOptions).toEqual({ connectionPolicy: { enableEndpointDiscovery: false } });
    expect(problems({ HAYMAKER_COSMOS_ENDPOINT: "http://127.0.0.1:8081" })).toEqual([
      expect.stringMatching(/^HAYMAKER_COSMOS_KEY: is required with an http:\/\/ endpoint/),
    ]);
  });

  it("names every bad variable at once, without echoing the key", () => {
    expect(
      problems({
        HAYMAKER_COSMOS_ENDPOINT: "contoso.documents.azure.com",
        HAYMAKER_COSMOS_KEY: KEY,
        HAYMAKER_COSMOS_DATABASE: "a/b",
        HAYMAKER_COSMOS_LOG_TTL_DAYS: "0",
        HAYMAKER_COSMOS_PROCESSED_EVENT_TTL_DAYS: "forever",
      }),
    ).toEqual([
      expect.stringMatching(/^HAYMAKER_COSMOS_ENDPOINT: must be the account's endpoint/),
      expect.stringMatching(/^HAYMAKER_COSMOS_DATABASE: must be a database name/),
      "HAYMAKER_COSMOS_LOG_TTL_DAYS: must be a whole number of days from 1 to 3650",
      "HAYMAKER_COSMOS_PROCESSED_EVENT_TTL_DAYS: must be a whole number of days from 1 to 3650",
    ]);
    expect(problems({ HAYMAKER_COSMOS_ENDPOINT: ENDPOINT, HAYMAKER_COSMOS_KEY: "" })).toEqual([
      "HAYMAKER_COSMOS_KEY: must not be empty; unset it to sign in with Azure credentials",
    ]);
  });

  it("refuses a key without an endpoint rather than silently staying local", () => {
    expect(problems({ HAYMAKER_COSMOS_KEY: KEY })).toEqual([
      "HAYMAKER_COSMOS_KEY: set HAYMAKER_COSMOS_ENDPOINT too, or unset it to keep the projections local",
    ]);
  });
});
