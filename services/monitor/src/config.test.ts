import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { monitorConfig } from "./config.ts";

const bus = {
  HAYMAKER_SERVICEBUS_CONNECTION_STRING:
    "Endpoint=sb://localhost:5672;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;",
};

describe("monitor's settings", () => {
  let dataDirectory: string;
  beforeEach(async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), "haymaker-monitor-config-"));
  });
  afterEach(() => rm(dataDirectory, { recursive: true, force: true }));

  it("looks every 15 minutes and allows agents two minutes to stop, unless told otherwise", () => {
    expect(monitorConfig({ ...bus, HAYMAKER_DATA_DIR: dataDirectory })).toMatchObject({
      intervalMs: 15 * 60_000,
      graceMs: 120_000,
      dataDirectory,
    });
    expect(
      monitorConfig({
        ...bus,
        HAYMAKER_DATA_DIR: dataDirectory,
        HAYMAKER_MONITOR_INTERVAL: "PT3S",
        HAYMAKER_AGENT_GRACE: "PT10S",
      }),
    ).toMatchObject({ intervalMs: 3000, graceMs: 10_000 });
  });

  it("names every bad variable at once", () => {
    expect(() =>
      monitorConfig({
        HAYMAKER_DATA_DIR: dataDirectory,
        HAYMAKER_MONITOR_INTERVAL: "15m",
        HAYMAKER_AGENT_GRACE: "two minutes",
        HAYMAKER_LOG_LEVEL: "loud",
      }),
    ).toThrow(
      /HAYMAKER_MONITOR_INTERVAL: expected an ISO-8601 duration[\s\S]*HAYMAKER_LOG_LEVEL: must be one of[\s\S]*HAYMAKER_AGENT_GRACE: must be an ISO 8601 duration such as PT2M[\s\S]*HAYMAKER_SERVICEBUS_CONNECTION_STRING or HAYMAKER_SERVICEBUS_NAMESPACE is required/,
    );
  });

  it("reads the ledger's Cosmos DB account with the rest, and names its problems with every other part's", () => {
    const cosmos = { HAYMAKER_COSMOS_ENDPOINT: "https://contoso.documents.azure.com:443/" };
    expect(monitorConfig({ ...bus, ...cosmos, HAYMAKER_DATA_DIR: dataDirectory }).cosmos).toMatchObject({
      endpoint: cosmos.HAYMAKER_COSMOS_ENDPOINT,
      database: "haymaker",
    });
    expect(monitorConfig({ ...bus, HAYMAKER_DATA_DIR: dataDirectory }).cosmos).toBeUndefined();
    const attempt = () =>
      monitorConfig({
        ...bus,
        HAYMAKER_DATA_DIR: dataDirectory,
        HAYMAKER_MONITOR_INTERVAL: "15m",
        HAYMAKER_AGENT_JOB_ID: "not-a-job",
        HAYMAKER_COSMOS_ENDPOINT: "not a url",
        HAYMAKER_COSMOS_KEY: "s3cret-key",
      });
    expect(attempt).toThrow(/^monitor cannot start/);
    expect(attempt).toThrow(/HAYMAKER_MONITOR_INTERVAL: expected an ISO-8601 duration/);
    expect(attempt).toThrow(/HAYMAKER_AGENT_JOB_ID: /);
    expect(attempt).toThrow(/HAYMAKER_COSMOS_ENDPOINT: must be the account's endpoint/);
    expect(attempt).not.toThrow(/s3cret-key/);
  });
});
