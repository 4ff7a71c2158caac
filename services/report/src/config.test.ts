import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobReportStore, FileReportStore } from "@haymaker/stores";
import { describe, expect, it, onTestFinished } from "vitest";
import { reportConfig } from "./config.ts";

const good = {
  HAYMAKER_SERVICEBUS_CONNECTION_STRING:
    "Endpoint=sb://localhost:5672;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;",
  HAYMAKER_TENANT_ID: "0a1b2c3d-0000-4000-8000-000000000004",
  HAYMAKER_SUBSCRIPTION_ID: "11111111-2222-3333-4444-555555555555",
  HAYMAKER_CLIENT_ID: "haymaker",
  HAYMAKER_CLIENT_SECRET: "not-a-real-secret",
};

describe("report settings", () => {
  it("defaults the data directory and log level, and builds the cloud client for the subscription", () => {
    const config = reportConfig(good);
    expect(config).toMatchObject({
      dataDirectory: ".haymaker",
      logLevel: "info",
      // Azure's documented worst case: 20 minutes.
      activityLogSettleMs: 20 * 60_000,
    });
    expect(reportConfig({ ...good, HAYMAKER_ACTIVITY_LOG_SETTLE: "PT0S" }).activityLogSettleMs).toBe(0);
    expect(reportConfig({ ...good, HAYMAKER_ACTIVITY_LOG_SETTLE: "PT5M30S" }).activityLogSettleMs).toBe(
      330_000,
    );
    expect(config.cloud.subscriptionId).toBe(good.HAYMAKER_SUBSCRIPTION_ID);
    expect(reportConfig({ ...good, HAYMAKER_DATA_DIR: "/var/lib/haymaker" }).dataDirectory).toBe(
      "/var/lib/haymaker",
    );
  });

  it("names every bad variable at once — its own, the bus's and the cloud's — and never a value", () => {
    const attempt = () =>
      reportConfig({
        HAYMAKER_DATA_DIR: "",
        HAYMAKER_LOG_LEVEL: "loud",
        HAYMAKER_SERVICEBUS_CONNECTION_STRING: "SharedAccessKey=hunter2",
        HAYMAKER_SUBSCRIPTION_ID: "not-a-guid",
        HAYMAKER_ACTIVITY_LOG_SETTLE: "twenty minutes",
      });
    expect(attempt).toThrow(/^report cannot start/);
    expect(attempt).toThrow(/HAYMAKER_DATA_DIR: must not be empty/);
    expect(attempt).toThrow(/HAYMAKER_LOG_LEVEL: must be one of/);
    expect(attempt).toThrow(/HAYMAKER_SERVICEBUS_CONNECTION_STRING: must start with Endpoint=sb:/);
    expect(attempt).toThrow(/HAYMAKER_TENANT_ID: is required/);
    expect(attempt).toThrow(/HAYMAKER_SUBSCRIPTION_ID: must be a GUID/);
    expect(attempt).toThrow(/HAYMAKER_ACTIVITY_LOG_SETTLE: expected an ISO-8601 duration/);
    expect(() => reportConfig({ ...good, HAYMAKER_ACTIVITY_LOG_SETTLE: "P2D" })).toThrow(
      /HAYMAKER_ACTIVITY_LOG_SETTLE: expected a duration between PT0S and P1D/,
    );
    expect(attempt).not.toThrow(/hunter2/);
  });

  it("keeps reports and the ledger under the data directory unless Blob Storage and Cosmos DB are named", async () => {
    const dataDirectory = await mkdtemp(join(tmpdir(), "haymaker-report-config-"));
    onTestFinished(() => rm(dataDirectory, { recursive: true, force: true }));
    const local = reportConfig({ ...good, HAYMAKER_DATA_DIR: dataDirectory });
    expect(local.reports).toBeInstanceOf(FileReportStore);
    expect(local.cosmos).toBeUndefined();
    await local.reports.put("run-1", { json: {}, markdown: "# run-1" });
    expect(existsSync(join(dataDirectory, "reports", "run-1", "report.md"))).toBe(true);
    const azure = reportConfig({
      ...good,
      HAYMAKER_REPORTS_CONNECTION_STRING: "UseDevelopmentStorage=true",
      HAYMAKER_COSMOS_ENDPOINT: "https://contoso.documents.azure.com:443/",
    });
    expect(azure.reports).toBeInstanceOf(BlobReportStore);
    expect(azure.cosmos).toMatchObject({ endpoint: "https://contoso.documents.azure.com:443/" });
  });

  it("checks the report store's and Cosmos DB's variables with the rest, before opening anything", () => {
    const attempt = () =>
      reportConfig({
        ...good,
        HAYMAKER_LOG_LEVEL: "loud",
        HAYMAKER_COSMOS_ENDPOINT: "not a url",
        HAYMAKER_COSMOS_KEY: "s3cret-key",
        HAYMAKER_REPORTS_CONTAINER: "Not_A_Container",
      });
    expect(attempt).toThrow(/^report cannot start/);
    expect(attempt).toThrow(/HAYMAKER_LOG_LEVEL: must be one of/);
    expect(attempt).toThrow(/HAYMAKER_COSMOS_ENDPOINT: must be the account's endpoint/);
    expect(attempt).toThrow(/HAYMAKER_REPORTS_CONTAINER: must be a container name/);
    expect(attempt).not.toThrow(/s3cret-key/);
  });
});
