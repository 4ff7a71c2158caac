// The monitor's ledger on Cosmos DB (the emulator in this process): the same contract as SQLite, then what
// only the Cosmos DB adapter has to show (where each fact lives, and its time to live), and the choice
// between the two.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStateContainer } from "@haymaker/projections";
import { type CosmosEmulator, startCosmosEmulator } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { CosmosMonitorLedger } from "./cosmos-ledger.ts";
import { LEDGER_FILE, SqliteMonitorLedger } from "./ledger.ts";
import { describeMonitorLedgerContract } from "./ledger-contract.ts";
import { openMonitorLedger } from "./open-ledger.ts";

let emulator: CosmosEmulator;
beforeAll(async () => {
  emulator = await startCosmosEmulator();
});
afterAll(() => emulator.stop());

describeMonitorLedgerContract("Cosmos DB (emulator)", async () => {
  const config = emulator.freshDatabase("monitor-ledger");
  return { open: (now) => CosmosMonitorLedger.open(config, now) };
});

describe("CosmosMonitorLedger", () => {
  it("keeps each fact in the state container, in a partition of its own, expiring 14 days on", async () => {
    const config = emulator.freshDatabase("monitor-ledger");
    const now = new Date("2026-11-24T06:05:00.000Z");
    const ledger = await CosmosMonitorLedger.open(config, () => now);
    onTestFinished(() => ledger.close());
    expect(String(ledger)).toBe(`CosmosMonitorLedger(${config.database}/state)`);
    await ledger.markCheckHandled("check-1", now);
    await ledger.cancelRun({ runId: "run-a", cancelledAt: now.toISOString(), requestedBy: "cli" });

    const container = await openStateContainer(config);
    onTestFinished(() => container.database.client.dispose());
    const { resources } = await container.items
      .query("SELECT c.id, c.pk, c.kind, c.ttl, c.expiresAt FROM c ORDER BY c.kind")
      .fetchAll();
    const expiresAt = Date.parse("2026-12-08T06:05:00.000Z") / 1000;
    expect(resources).toEqual([
      { id: "run-a", pk: "monitor:cancelled-run:run-a", kind: "cancelled-run", ttl: 14 * 86_400, expiresAt },
      {
        id: "check-1",
        pk: "monitor:handled-check:check-1",
        kind: "handled-check",
        ttl: 14 * 86_400,
        expiresAt,
      },
    ]);
  });
});

describe("openMonitorLedger", () => {
  it("opens the state container when the settings name a Cosmos DB account", async () => {
    const ledger = await openMonitorLedger(
      { ...emulator, database: "monitor-from-settings" },
      "/nonexistent/unused",
    );
    onTestFinished(() => ledger.close());
    expect(String(ledger)).toBe("CosmosMonitorLedger(monitor-from-settings/state)");
    await ledger.markCheckHandled("check-env", new Date());
    expect(await ledger.checkHandled("check-env")).toBe(true);
  });

  it("opens <dataDirectory>/monitor.sqlite otherwise", async () => {
    const directory = await mkdtemp(join(tmpdir(), "haymaker-monitor-env-"));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    const ledger = await openMonitorLedger(undefined, directory);
    onTestFinished(() => ledger.close());
    expect(ledger).toBeInstanceOf(SqliteMonitorLedger);
    expect(existsSync(join(directory, LEDGER_FILE))).toBe(true);
  });
});
