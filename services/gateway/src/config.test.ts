import { BlobReportStore, FileReportStore } from "@haymaker/stores";
import { describe, expect, it } from "vitest";
import { gatewayConfig } from "./config.ts";

const bus = {
  HAYMAKER_SERVICEBUS_CONNECTION_STRING:
    "Endpoint=sb://localhost:5672;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;",
};

describe("the gateway's settings", () => {
  it("keeps state and reports under the data directory unless Cosmos DB and Blob Storage are named", () => {
    const local = gatewayConfig(bus);
    expect(local).toMatchObject({ port: 8080, host: "127.0.0.1", dataDirectory: ".haymaker" });
    expect(local.cosmos).toBeUndefined();
    expect(local.reports).toBeInstanceOf(FileReportStore);
    const azure = gatewayConfig({
      ...bus,
      HAYMAKER_COSMOS_ENDPOINT: "https://contoso.documents.azure.com:443/",
      HAYMAKER_COSMOS_DATABASE: "state-db",
      HAYMAKER_REPORTS_CONNECTION_STRING: "UseDevelopmentStorage=true",
    });
    expect(azure.cosmos).toMatchObject({
      endpoint: "https://contoso.documents.azure.com:443/",
      database: "state-db",
    });
    expect(azure.reports).toBeInstanceOf(BlobReportStore);
  });

  it("names every bad variable of every part at once — its own, the bus's, Cosmos DB's, the report store's — and never a value", () => {
    const attempt = () =>
      gatewayConfig({
        HAYMAKER_PORT: "70000",
        HAYMAKER_SERVICEBUS_CONNECTION_STRING: "SharedAccessKey=hunter2",
        HAYMAKER_COSMOS_ENDPOINT: "not a url",
        HAYMAKER_COSMOS_KEY: "s3cret-key",
        HAYMAKER_REPORTS_CONNECTION_STRING: "AccountKey=blob-key-value",
      });
    expect(attempt).toThrow(/^gateway cannot start/);
    expect(attempt).toThrow(/HAYMAKER_PORT: must be a port number/);
    expect(attempt).toThrow(/HAYMAKER_SERVICEBUS_CONNECTION_STRING: must start with Endpoint=sb:/);
    expect(attempt).toThrow(/HAYMAKER_COSMOS_ENDPOINT: must be the account's endpoint/);
    expect(attempt).toThrow(/HAYMAKER_REPORTS_CONNECTION_STRING: is not a storage connection string/);
    expect(attempt).not.toThrow(/hunter2|s3cret-key|blob-key-value/);
  });
});
