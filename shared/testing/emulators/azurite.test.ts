// The report store's contract on Azurite's Docker image, as CI systems with Docker run it (the unit tests
// run the same contract on the npm package in this process).
import { randomUUID } from "node:crypto";
import { BlobServiceClient } from "@azure/storage-blob";
import { BlobReportStore } from "@haymaker/stores";
import { describeReportStoreContract } from "@haymaker/stores/testing";
import { AzuriteContainer, type StartedAzuriteContainer } from "@testcontainers/azurite";
import { afterAll, beforeAll, describe } from "vitest";
import { emulatorSkipReason } from "./docker.ts";

// The image of the npm package's version, so both stand-ins are the same Azurite.
const AZURITE_IMAGE = "mcr.microsoft.com/azure-storage/azurite:3.37.0";
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "::1"]);

const skip = await emulatorSkipReason("Blob Storage on Azurite's image");

describe.skipIf(skip !== undefined)("Blob Storage on Azurite's image", () => {
  let azurite: StartedAzuriteContainer;
  let service: BlobServiceClient;

  beforeAll(async () => {
    azurite = await new AzuriteContainer(AZURITE_IMAGE)
      .withInMemoryPersistence()
      .withSkipApiVersionCheck()
      .start();
    // Report refs may be plain http only on 127.0.0.1, so the endpoint must name it rather than localhost.
    if (!LOOPBACK_HOSTS.has(azurite.getHost())) {
      throw new Error(
        `Docker publishes Azurite on ${azurite.getHost()}; report refs allow plain http only on 127.0.0.1, so run the suite against a local Docker engine`,
      );
    }
    const blobEndpoint = `http://127.0.0.1:${azurite.getBlobPort()}/${azurite.getAccountName()}`;
    service = BlobServiceClient.fromConnectionString(
      `DefaultEndpointsProtocol=http;AccountName=${azurite.getAccountName()};AccountKey=${azurite.getAccountKey()};BlobEndpoint=${blobEndpoint};`,
    );
  });
  afterAll(() => azurite?.stop());

  describeReportStoreContract(
    "BlobReportStore on Azurite's image",
    async () => new BlobReportStore(service.getContainerClient(`reports-${randomUUID().slice(0, 8)}`)),
  );
});
