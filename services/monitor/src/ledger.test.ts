import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LEDGER_FILE, SqliteMonitorLedger } from "./ledger.ts";

describe("monitor's ledger (SQLite)", () => {
  let directory: string;
  const open: SqliteMonitorLedger[] = [];
  const ledgerIn = (dir: string) => {
    const ledger = new SqliteMonitorLedger(dir);
    open.push(ledger);
    return ledger;
  };
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "haymaker-monitor-ledger-"));
  });
  afterEach(async () => {
    for (const ledger of open.splice(0)) ledger.close();
    await rm(directory, { recursive: true, force: true });
  });

  it("remembers cancellations, stop requests and handled checks across restarts, in <dataDir>/monitor.sqlite", async () => {
    const first = ledgerIn(directory);
    await first.cancelRun({ runId: "run-a", cancelledAt: "2026-11-24T06:00:00.000Z", requestedBy: "cli" });
    await first.recordStopRequest("local:agent-1", new Date("2026-11-24T06:05:00.000Z"));
    await first.markCheckHandled("check-1", new Date("2026-11-24T06:05:00.000Z"));
    first.close();
    open.splice(0);

    expect((await stat(join(directory, LEDGER_FILE))).isFile()).toBe(true);
    const reopened = ledgerIn(directory);
    expect(await reopened.cancelledRun("run-a")).toEqual({
      runId: "run-a",
      cancelledAt: "2026-11-24T06:00:00.000Z",
      requestedBy: "cli",
    });
    expect(await reopened.cancelledRun("run-b")).toBeUndefined();
    expect((await reopened.stopRequestedAt("local:agent-1"))?.toISOString()).toBe("2026-11-24T06:05:00.000Z");
    expect(await reopened.stopRequestedAt("local:agent-2")).toBeUndefined();
    expect(await reopened.checkHandled("check-1")).toBe(true);
    expect(await reopened.checkHandled("check-2")).toBe(false);
  });

  it("keeps the first stop request, so giving up is counted from when monitor first asked", async () => {
    const ledger = ledgerIn(directory);
    const first = await ledger.recordStopRequest("local:agent-1", new Date("2026-11-24T06:05:00.000Z"));
    const later = await ledger.recordStopRequest("local:agent-1", new Date("2026-11-24T06:06:00.000Z"));
    expect(first.toISOString()).toBe("2026-11-24T06:05:00.000Z");
    expect(later.toISOString()).toBe("2026-11-24T06:05:00.000Z");
  });

  it("forgets what is older than a pipeline message can be (14 days)", async () => {
    const ledger = ledgerIn(directory);
    await ledger.cancelRun({ runId: "run-old", cancelledAt: "2026-11-01T00:00:00.000Z", requestedBy: "cli" });
    await ledger.markCheckHandled("check-old", new Date("2026-11-01T00:00:00.000Z"));
    await ledger.markCheckHandled("check-recent", new Date("2026-11-12T00:00:00.000Z"));
    expect(await ledger.checkHandled("check-old")).toBe(true);
    await ledger.markCheckHandled("check-now", new Date("2026-11-24T00:00:00.000Z"));
    expect(await ledger.checkHandled("check-old")).toBe(false);
    expect(await ledger.cancelledRun("run-old")).toBeUndefined();
    expect(await ledger.checkHandled("check-recent")).toBe(true);
  });
});
