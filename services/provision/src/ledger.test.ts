import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newEvent } from "@haymaker/cloudevents";
import { EXAMPLE_DATA } from "@haymaker/contracts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LEDGER_FILE, SqliteProvisionLedger } from "./ledger.ts";

function provisioned(agentId: string, deadline = "2026-11-24T08:00:00.000Z") {
  return newEvent("identity.provisioned", {
    source: "/haymaker/provision",
    data: { ...EXAMPLE_DATA["identity.provisioned"], runId: "run-ledger", agentId, deadline },
  });
}

describe("provision's ledger (SQLite)", () => {
  let directory: string;
  const open: SqliteProvisionLedger[] = [];
  const ledgerIn = (dir: string, now?: () => Date) => {
    const ledger = new SqliteProvisionLedger(dir, now);
    open.push(ledger);
    return ledger;
  };
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "haymaker-provision-ledger-"));
  });
  afterEach(async () => {
    for (const ledger of open.splice(0)) ledger.close();
    await rm(directory, { recursive: true, force: true });
  });

  it("keeps the first event recorded for an agent, across restarts, in <dataDir>/provision.sqlite", async () => {
    const first = provisioned("a01");
    await expect(ledgerIn(directory).record(first)).resolves.toEqual(first);
    // A second record (another process raced to the same agent) gets the first one back.
    await expect(ledgerIn(directory).record(provisioned("a01", "2026-11-24T09:00:00.000Z"))).resolves.toEqual(
      first,
    );
    const reopened = ledgerIn(directory);
    await expect(reopened.provisioned("run-ledger", "a01")).resolves.toEqual(first);
    await expect(reopened.provisioned("run-ledger", "a02")).resolves.toBeUndefined();
    expect((await stat(join(directory, LEDGER_FILE))).isFile()).toBe(true);
  });

  it("forgets records older than a pipeline message can live (14 days)", async () => {
    let now = new Date("2026-11-01T00:00:00.000Z");
    const ledger = ledgerIn(directory, () => now);
    await ledger.record(provisioned("a01"));
    now = new Date("2026-11-16T00:00:00.000Z");
    await ledger.record(provisioned("a02"));
    await expect(ledger.provisioned("run-ledger", "a01")).resolves.toBeUndefined();
    await expect(ledger.provisioned("run-ledger", "a02")).resolves.toBeDefined();
  });
});
