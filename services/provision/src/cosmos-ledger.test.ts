// provision's ledger on Cosmos DB (the emulator in this process): the same contract as SQLite, then where
// each record lives and its time to live, and the choice between the two.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newEvent } from "@haymaker/cloudevents";
import { EXAMPLE_DATA } from "@haymaker/contracts";
import { openStateContainer } from "@haymaker/projections";
import { type CosmosEmulator, startCosmosEmulator } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { CosmosProvisionLedger } from "./cosmos-ledger.ts";
import { LEDGER_FILE, SqliteProvisionLedger } from "./ledger.ts";
import { describeProvisionLedgerContract } from "./ledger-contract.ts";
import { openProvisionLedger } from "./open-ledger.ts";

let emulator: CosmosEmulator;
beforeAll(async () => {
  emulator = await startCosmosEmulator();
});
afterAll(() => emulator.stop());

describeProvisionLedgerContract("Cosmos DB (emulator)", async () => {
  const config = emulator.freshDatabase("provision-ledger");
  return { open: (now) => CosmosProvisionLedger.open(config, now) };
});

describe("CosmosProvisionLedger", () => {
  it("keeps an agent's record in its run's partition of the state container, expiring 14 days on", async () => {
    const config = emulator.freshDatabase("provision-ledger");
    const now = new Date("2026-11-24T06:00:00.000Z");
    const ledger = await CosmosProvisionLedger.open(config, () => now);
    onTestFinished(() => ledger.close());
    expect(String(ledger)).toBe(`CosmosProvisionLedger(${config.database}/state)`);
    await ledger.record(
      newEvent("identity.provisioned", {
        source: "/haymaker/provision",
        data: { ...EXAMPLE_DATA["identity.provisioned"], runId: "run-a", agentId: "a01" },
      }),
    );
    const container = await openStateContainer(config);
    onTestFinished(() => container.database.client.dispose());
    const { resources } = await container.items
      .query("SELECT c.id, c.pk, c.kind, c.recordedAt, c.ttl, c.expiresAt FROM c")
      .fetchAll();
    expect(resources).toEqual([
      {
        id: "a01",
        pk: "provision:run-a",
        kind: "provisioned-agent",
        recordedAt: "2026-11-24T06:00:00.000Z",
        ttl: 14 * 86_400,
        expiresAt: Date.parse("2026-12-08T06:00:00.000Z") / 1000,
      },
    ]);
  });
});

describe("openProvisionLedger", () => {
  it("opens the state container when the settings name a Cosmos DB account", async () => {
    const ledger = await openProvisionLedger(
      { ...emulator, database: "provision-from-settings" },
      "/nonexistent/unused",
    );
    onTestFinished(() => ledger.close());
    expect(String(ledger)).toBe("CosmosProvisionLedger(provision-from-settings/state)");
  });

  it("opens <dataDirectory>/provision.sqlite otherwise", async () => {
    const directory = await mkdtemp(join(tmpdir(), "haymaker-provision-env-"));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    const ledger = await openProvisionLedger(undefined, directory);
    onTestFinished(() => ledger.close());
    expect(ledger).toBeInstanceOf(SqliteProvisionLedger);
    expect(existsSync(join(directory, LEDGER_FILE))).toBe(true);
  });
});
