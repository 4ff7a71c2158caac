// report as a process with its reports in Blob Storage (Azurite): run.completed carries the blobs' URLs,
// and the blobs hold the report.
import { randomUUID } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BlobServiceClient } from "@azure/storage-blob";
import { EventPublisher } from "@haymaker/bus";
import { decodeEvent, newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA } from "@haymaker/contracts";
import { type SandboxCloud, startSandboxCloud } from "@haymaker/sandbox-cloud";
import {
  type Azurite,
  type HayMakerBus,
  spawnService,
  startAzurite,
  startHayMakerBus,
} from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../bin/haymaker-report.js", import.meta.url));

describe("the report service on Blob Storage", () => {
  let bus: HayMakerBus;
  let sandbox: SandboxCloud;
  let azurite: Azurite;
  const clientId = randomUUID();
  const clientSecret = `report-test-${randomUUID()}`;

  beforeAll(async () => {
    [bus, sandbox, azurite] = await Promise.all([
      startHayMakerBus(),
      startSandboxCloud({ port: 0 }),
      startAzurite(),
    ]);
    sandbox.registerPrincipal({
      clientId,
      secret: clientSecret,
      subscriptionScopes: [`/subscriptions/${sandbox.subscriptionId}`],
    });
  });
  afterAll(async () => {
    await Promise.all([bus?.stop(), sandbox?.close(), azurite?.stop()]);
  });

  function environment(reports: Record<string, string>): Record<string, string> {
    return {
      HAYMAKER_SERVICEBUS_CONNECTION_STRING: bus.broker.connectionString,
      HAYMAKER_TENANT_ID: sandbox.tenantId,
      HAYMAKER_SUBSCRIPTION_ID: sandbox.subscriptionId,
      HAYMAKER_ARM_ENDPOINT: sandbox.url,
      HAYMAKER_CLIENT_ID: clientId,
      HAYMAKER_CLIENT_SECRET: clientSecret,
      HAYMAKER_LOG_LEVEL: "info",
      // The sandbox logs at once (no realism): nothing to wait for.
      HAYMAKER_ACTIVITY_LOG_SETTLE: "PT0S",
      ...reports,
    };
  }

  it("writes the report as blobs and publishes their URLs", async () => {
    const service = spawnService(BIN, [], {
      ...environment({
        HAYMAKER_REPORTS_CONNECTION_STRING: azurite.connectionString,
        HAYMAKER_REPORTS_CONTAINER: "run-reports",
      }),
      HAYMAKER_DATA_DIR: await mkdtemp(join(tmpdir(), "haymaker-report-blob-")),
    });
    try {
      const publisher = new EventPublisher(bus.client);
      await publisher.publish(
        newEvent("run.rejected", {
          source: "/haymaker/validate",
          data: { ...EXAMPLE_DATA["run.rejected"], runId: "run-in-blobs" },
        }),
      );
      await publisher.close();

      const receiver = bus.client.createReceiver("run-completed", "projector", {
        receiveMode: "receiveAndDelete",
      });
      let completed: EventOf<"run.completed"> | undefined;
      for (let i = 0; i < 40 && completed === undefined; i++) {
        const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 500 });
        if (message !== undefined) completed = decodeEvent(message) as EventOf<"run.completed">;
      }
      await receiver.close();
      expect(completed?.data.report).toEqual({
        json: `${azurite.url}/run-reports/run-in-blobs/report.json`,
        markdown: `${azurite.url}/run-reports/run-in-blobs/report.md`,
      });
      const blob = BlobServiceClient.fromConnectionString(azurite.connectionString)
        .getContainerClient("run-reports")
        .getBlobClient("run-in-blobs/report.md");
      expect((await blob.downloadToBuffer()).toString()).toContain("**Status:** rejected");
    } finally {
      service.child.kill("SIGTERM");
      expect(await service.exited).toBe(0);
    }
    expect(service.output()).not.toContain(azurite.connectionString.match(/AccountKey=([^;]+)/)?.[1]);
  });

  it("refuses to start on bad report settings, naming them without echoing the connection string", async () => {
    const connectionString = "AccountKey=not-a-complete-connection-string";
    const service = spawnService(
      BIN,
      [],
      environment({
        HAYMAKER_REPORTS_CONNECTION_STRING: connectionString,
        HAYMAKER_REPORTS_CONTAINER: "x",
      }),
    );
    expect(await service.exited).toBe(2);
    expect(service.output()).toContain(
      "HAYMAKER_REPORTS_CONNECTION_STRING: is not a storage connection string",
    );
    expect(service.output()).toContain("HAYMAKER_REPORTS_CONTAINER: must be a container name");
    expect(service.output()).not.toContain("not-a-complete-connection-string");
  });
});
