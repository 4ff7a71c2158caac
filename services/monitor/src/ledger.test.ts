import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { LEDGER_FILE, SqliteMonitorLedger } from "./ledger.ts";
import { describeMonitorLedgerContract } from "./ledger-contract.ts";

async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "haymaker-monitor-ledger-"));
  onTestFinished(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

describeMonitorLedgerContract("SQLite", async () => {
  const directory = await temporaryDirectory();
  // SQLite judges age by the times it is given (it prunes as checks are marked), so it needs no clock.
  return { open: async () => new SqliteMonitorLedger(directory) };
});

describe("monitor's ledger (SQLite)", () => {
  it("keeps its records in <dataDir>/monitor.sqlite, across reopening", async () => {
    const directory = await temporaryDirectory();
    const first = new SqliteMonitorLedger(directory);
    await first.markCheckHandled("check-1", new Date("2026-11-24T06:05:00.000Z"));
    first.close();
    expect((await stat(join(directory, LEDGER_FILE))).isFile()).toBe(true);
    const reopened = new SqliteMonitorLedger(directory);
    onTestFinished(() => reopened.close());
    expect(await reopened.checkHandled("check-1")).toBe(true);
  });
});
