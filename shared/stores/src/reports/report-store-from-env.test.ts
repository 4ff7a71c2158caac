import { join } from "node:path";
import { BlobServiceClient } from "@azure/storage-blob";
import { ConfigError } from "@haymaker/config";
import { startAzurite } from "@haymaker/testing";
import { describe, expect, it, onTestFinished } from "vitest";
import { thrown } from "../contract-helpers.ts";
import { temporaryDataDirectory } from "../files/test-data-directory.ts";
import { BlobReportStore } from "./blob-report-store.ts";
import { FileReportStore } from "./file-report-store.ts";
import { reportStoreFromEnv } from "./report-store-from-env.ts";

// A key-shaped value that must never appear in an error.
const KEY = "c2VjcmV0LWtleS10aGF0LW11c3Qtbm90LWxlYWs=";
const ACCOUNT_CONNECTION_STRING = `DefaultEndpointsProtocol=https;AccountName=haymakerreports;AccountKey=${KEY};EndpointSuffix=core.windows.net`;

async function problemsOf(env: Record<string, string>): Promise<readonly string[]> {
  const error = await thrown(async () => reportStoreFromEnv(env, "report", "/data"));
  expect(error).toBeInstanceOf(ConfigError);
  expect(error.message).toMatch(/^report cannot start; fix these environment variables:/);
  expect(error.message).not.toContain(KEY);
  return (error as ConfigError).problems;
}

describe("reportStoreFromEnv", () => {
  it("keeps reports under the data directory when no Blob variable is set", () => {
    const store = reportStoreFromEnv({}, "report", "/data/haymaker");
    expect(store).toBeInstanceOf(FileReportStore);
    expect(String(store)).toBe(`FileReportStore(${join("/data/haymaker", "reports")})`);
  });

  it("uses the account of a connection string, in the container named or in reports", () => {
    const inDefault = reportStoreFromEnv(
      { HAYMAKER_REPORTS_CONNECTION_STRING: ACCOUNT_CONNECTION_STRING },
      "report",
      "/data",
    );
    expect(inDefault).toBeInstanceOf(BlobReportStore);
    expect(String(inDefault)).toBe("BlobReportStore(https://haymakerreports.blob.core.windows.net/reports)");
    const named = reportStoreFromEnv(
      {
        HAYMAKER_REPORTS_CONNECTION_STRING: ACCOUNT_CONNECTION_STRING,
        HAYMAKER_REPORTS_CONTAINER: "run-reports-2",
      },
      "report",
      "/data",
    );
    expect(String(named)).toBe(
      "BlobReportStore(https://haymakerreports.blob.core.windows.net/run-reports-2)",
    );
  });

  it("signs in with Microsoft Entra ID at a Blob endpoint", () => {
    const store = reportStoreFromEnv(
      { HAYMAKER_REPORTS_BLOB_ENDPOINT: "https://haymakerreports.blob.core.windows.net/" },
      "gateway",
      "/data",
    );
    expect(store).toBeInstanceOf(BlobReportStore);
    expect(String(store)).toBe("BlobReportStore(https://haymakerreports.blob.core.windows.net/reports)");
  });

  it("accepts Azurite's development storage shorthand", () => {
    const store = reportStoreFromEnv(
      { HAYMAKER_REPORTS_CONNECTION_STRING: "UseDevelopmentStorage=true" },
      "report",
      "/data",
    );
    expect(String(store)).toBe("BlobReportStore(http://127.0.0.1:10000/devstoreaccount1/reports)");
  });

  it("writes to Azurite through its connection string, creating the container", async () => {
    const azurite = await startAzurite();
    onTestFinished(() => azurite.stop());
    const store = reportStoreFromEnv(
      {
        HAYMAKER_REPORTS_CONNECTION_STRING: azurite.connectionString,
        HAYMAKER_REPORTS_CONTAINER: "haymaker-reports",
      },
      "report",
      await temporaryDataDirectory(),
    );
    const refs = await store.put("run-1", { json: { ok: true }, markdown: "# run-1\n" });
    expect(refs.markdown).toBe(`${azurite.url}/haymaker-reports/run-1/report.md`);
    expect((await store.list()).map((report) => report.runId)).toEqual(["run-1"]);
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      "haymaker-reports",
    );
    expect(await container.exists()).toBe(true);
  });

  it("names every problem at once, never echoing the connection string", async () => {
    expect(
      await problemsOf({
        HAYMAKER_REPORTS_CONNECTION_STRING: ACCOUNT_CONNECTION_STRING,
        HAYMAKER_REPORTS_BLOB_ENDPOINT: "https://haymakerreports.blob.core.windows.net",
        HAYMAKER_REPORTS_CONTAINER: "Reports",
      }),
    ).toEqual([
      "HAYMAKER_REPORTS_CONTAINER: must be a container name: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit",
      "HAYMAKER_REPORTS_CONNECTION_STRING, HAYMAKER_REPORTS_BLOB_ENDPOINT: set one, not both (a connection string signs in with its key, an endpoint with Microsoft Entra ID)",
    ]);
  });

  it.each([
    ["no account name", `DefaultEndpointsProtocol=https;AccountKey=${KEY};EndpointSuffix=core.windows.net`],
    ["no key", "DefaultEndpointsProtocol=https;AccountName=haymakerreports;EndpointSuffix=core.windows.net"],
    ["not a connection string at all", KEY],
  ])("refuses a connection string with %s", async (_, connectionString) => {
    expect(await problemsOf({ HAYMAKER_REPORTS_CONNECTION_STRING: connectionString })).toEqual([
      "HAYMAKER_REPORTS_CONNECTION_STRING: is not a storage connection string: give AccountName and AccountKey (or BlobEndpoint and SharedAccessSignature), or UseDevelopmentStorage=true",
    ]);
  });

  it.each([
    [
      "over http",
      `DefaultEndpointsProtocol=http;AccountName=haymakerreports;AccountKey=${KEY};EndpointSuffix=core.windows.net`,
    ],
    [
      "on localhost rather than 127.0.0.1",
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};BlobEndpoint=http://localhost:10000/devstoreaccount1;`,
    ],
  ])("refuses a connection string whose Blob endpoint is plain http %s", async (_, connectionString) => {
    expect(await problemsOf({ HAYMAKER_REPORTS_CONNECTION_STRING: connectionString })).toEqual([
      "HAYMAKER_REPORTS_CONNECTION_STRING: its Blob endpoint must be https (plain http only on 127.0.0.1, for Azurite)",
    ]);
  });

  it.each([
    ["plain http", "http://haymakerreports.blob.core.windows.net"],
    ["with a SAS", "https://haymakerreports.blob.core.windows.net/?sv=2024-11-04&sig=abc"],
    ["with a user", "https://user:pass@haymakerreports.blob.core.windows.net"],
    ["not a URL", "haymakerreports"],
  ])("refuses a Blob endpoint %s", async (_, endpoint) => {
    expect(await problemsOf({ HAYMAKER_REPORTS_BLOB_ENDPOINT: endpoint })).toEqual([
      "HAYMAKER_REPORTS_BLOB_ENDPOINT: must be the storage account's Blob endpoint, such as https://<account>.blob.core.windows.net (https, no query: sign-in is with Microsoft Entra ID, role Storage Blob Data Contributor)",
    ]);
  });

  it("refuses empty values rather than reading them as unset", async () => {
    expect(
      await problemsOf({ HAYMAKER_REPORTS_CONNECTION_STRING: "", HAYMAKER_REPORTS_BLOB_ENDPOINT: "" }),
    ).toEqual([
      "HAYMAKER_REPORTS_CONNECTION_STRING: must not be empty; unset it to keep reports under the data directory",
      "HAYMAKER_REPORTS_BLOB_ENDPOINT: must not be empty; unset it to keep reports under the data directory",
      "HAYMAKER_REPORTS_CONNECTION_STRING, HAYMAKER_REPORTS_BLOB_ENDPOINT: set one, not both (a connection string signs in with its key, an endpoint with Microsoft Entra ID)",
    ]);
  });

  it("refuses a container without a Blob account to put it in", async () => {
    expect(await problemsOf({ HAYMAKER_REPORTS_CONTAINER: "reports" })).toEqual([
      "HAYMAKER_REPORTS_CONTAINER: set HAYMAKER_REPORTS_CONNECTION_STRING or HAYMAKER_REPORTS_BLOB_ENDPOINT too, or unset it to keep reports under the data directory",
    ]);
  });

  it.each([
    ["ab", "too short"],
    ["a".repeat(64), "too long"],
    ["-reports", "starting with a hyphen"],
    ["reports-", "ending with a hyphen"],
    ["run--reports", "with two hyphens in a row"],
    ["run_reports", "with an underscore"],
    ["$root", "Azure's root container"],
  ])("refuses the container name %j (%s)", async (container) => {
    const problems = await problemsOf({
      HAYMAKER_REPORTS_CONNECTION_STRING: ACCOUNT_CONNECTION_STRING,
      HAYMAKER_REPORTS_CONTAINER: container,
    });
    expect(problems).toEqual([
      expect.stringMatching(/^HAYMAKER_REPORTS_CONTAINER: must be a container name/),
    ]);
  });

  it.each(["abc", "a".repeat(63), "run-reports-2026", "0reports"])(
    "accepts the container name %j",
    (container) => {
      const store = reportStoreFromEnv(
        {
          HAYMAKER_REPORTS_CONNECTION_STRING: ACCOUNT_CONNECTION_STRING,
          HAYMAKER_REPORTS_CONTAINER: container,
        },
        "report",
        "/data",
      );
      expect(String(store)).toBe(
        `BlobReportStore(https://haymakerreports.blob.core.windows.net/${container})`,
      );
    },
  );
});
