import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newEvent } from "@haymaker/cloudevents";
import { EXAMPLE_DATA } from "@haymaker/contracts";
import { describe, expect, it, onTestFinished } from "vitest";
import { LEDGER_FILE, SqliteProvisionLedger } from "./ledger.ts";
import { describeProvisionLedgerContract } from "./ledger-contract.ts";

async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "haymaker-provision-ledger-"));
  onTestFinished(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

describeProvisionLedgerContract("SQLite", async () => {
  const directory = await temporaryDirectory();
  return { open: async (now) => new SqliteProvisionLedger(directory, now) };
});

describe("provision's ledger (SQLite)", () => {
  it("keeps its records in <dataDir>/provision.sqlite, across reopening", async () => {
    const directory = await temporaryDirectory();
    const event = newEvent("identity.provisioned", {
      source: "/haymaker/provision",
      data: { ...EXAMPLE_DATA["identity.provisioned"], runId: "run-ledger", agentId: "a01" },
    });
    const first = new SqliteProvisionLedger(directory);
    await first.record(event);
    first.close();
    expect((await stat(join(directory, LEDGER_FILE))).isFile()).toBe(true);
    const reopened = new SqliteProvisionLedger(directory);
    onTestFinished(() => reopened.close());
    await expect(reopened.provisioned("run-ledger", "a01")).resolves.toEqual(event);
  });
});
