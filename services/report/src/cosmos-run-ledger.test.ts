// The run ledger on Cosmos DB (the emulator in this process): the same contract as SQLite, then where its
// records live, and the choice between the two.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStateContainer } from "@haymaker/projections";
import { type CosmosEmulator, startCosmosEmulator } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { CosmosRunLedger } from "./cosmos-run-ledger.ts";
import { openRunLedger } from "./open-run-ledger.ts";
import { cleanedAgent, describeRunLedgerContract } from "./run-ledger-contract.ts";
import { LEDGER_FILE, SqliteRunLedger } from "./sqlite-run-ledger.ts";

let emulator: CosmosEmulator;
beforeAll(async () => {
  emulator = await startCosmosEmulator();
});
afterAll(() => emulator.stop());

describeRunLedgerContract("Cosmos DB (emulator)", async () => {
  const config = emulator.freshDatabase("run-ledger");
  return { open: () => CosmosRunLedger.open(config) };
});

describe("CosmosRunLedger", () => {
  it("keeps a run's agents, tally and failure in the run's partition of the state container, with no expiry", async () => {
    const config = emulator.freshDatabase("run-ledger");
    const ledger = await CosmosRunLedger.open(config);
    onTestFinished(() => ledger.close());
    expect(String(ledger)).toBe(`CosmosRunLedger(${config.database}/state)`);
    await ledger.recordCleaned(cleanedAgent("run-a", "a02", 2));
    await ledger.recordCleaned(cleanedAgent("run-a", "a01", 2));
    await ledger.recordFailure("run-a", {
      phase: "deploy",
      reason: "quota",
      failedAt: "2026-11-24T06:10:00Z",
    });

    const container = await openStateContainer(config);
    onTestFinished(() => container.database.client.dispose());
    const { resources } = await container.items
      .query("SELECT c.id, c.pk, c.kind, c.agentIds, c.ttl FROM c ORDER BY c.id")
      .fetchAll();
    expect(resources).toEqual([
      { id: "agent-a01", pk: "report:run-a", kind: "cleaned-agent" },
      { id: "agent-a02", pk: "report:run-a", kind: "cleaned-agent" },
      { id: "failure", pk: "report:run-a", kind: "run-failure" },
      { id: "tally", pk: "report:run-a", kind: "cleaned-tally", agentIds: ["a01", "a02"] },
    ]);
  });

  it("counts only agents in the tally: a record whose count was lost is counted by its redelivery", async () => {
    const config = emulator.freshDatabase("run-ledger");
    const ledger = await CosmosRunLedger.open(config);
    onTestFinished(() => ledger.close());
    const container = await openStateContainer(config);
    onTestFinished(() => container.database.client.dispose());
    // As if a process wrote a02's record and crashed before counting it.
    const { data, cleanedAt } = cleanedAgent("run-crash", "a02", 2);
    await container.items.create({
      id: "agent-a02",
      pk: "report:run-crash",
      kind: "cleaned-agent",
      runId: "run-crash",
      agentId: "a02",
      cleanedAt,
      data,
    });
    expect(await ledger.recordCleaned(cleanedAgent("run-crash", "a01", 2))).toBe(1);
    expect((await ledger.cleanedAgents("run-crash")).map((agent) => agent.data.agentId)).toEqual(["a01"]);
    expect(await ledger.recordCleaned(cleanedAgent("run-crash", "a02", 2))).toBe(2);
    expect((await ledger.cleanedAgents("run-crash")).map((agent) => agent.data.agentId)).toEqual([
      "a01",
      "a02",
    ]);
  });
});

describe("openRunLedger", () => {
  it("opens the state container when the settings name a Cosmos DB account", async () => {
    const ledger = await openRunLedger(
      { ...emulator, database: "report-from-settings" },
      "/nonexistent/unused",
    );
    onTestFinished(() => ledger.close());
    expect(String(ledger)).toBe("CosmosRunLedger(report-from-settings/state)");
  });

  it("opens <dataDirectory>/report.sqlite otherwise", async () => {
    const directory = await mkdtemp(join(tmpdir(), "haymaker-report-env-"));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    const ledger = await openRunLedger(undefined, directory);
    onTestFinished(() => ledger.close());
    expect(ledger).toBeInstanceOf(SqliteRunLedger);
    expect(existsSync(join(directory, LEDGER_FILE))).toBe(true);
  });
});
