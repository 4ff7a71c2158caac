import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { cleanedAgent, describeRunLedgerContract } from "./run-ledger-contract.ts";
import { SqliteRunLedger } from "./sqlite-run-ledger.ts";

const LEDGER_MODULE = fileURLToPath(new URL("./sqlite-run-ledger.ts", import.meta.url));

describeRunLedgerContract("SQLite", async () => {
  const dataDirectory = await mkdtemp(join(tmpdir(), "haymaker-ledger-"));
  onTestFinished(() => rm(dataDirectory, { recursive: true, force: true }));
  return { open: async () => SqliteRunLedger.inDataDirectory(dataDirectory) };
});

describe("the SQLite run ledger", () => {
  const open: SqliteRunLedger[] = [];
  const ledgerIn = (dataDirectory: string) => {
    const ledger = SqliteRunLedger.inDataDirectory(dataDirectory);
    open.push(ledger);
    return ledger;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((ledger) => ledger.close()));
  });

  it("keeps its records in <data dir>/report.sqlite, in WAL mode, across reopening", async () => {
    const dataDirectory = join(await mkdtemp(join(tmpdir(), "haymaker-ledger-")), "not-yet-there");
    const first = ledgerIn(dataDirectory);
    await first.recordCleaned(cleanedAgent("run-a", "a01", 2));
    await first.close();
    open.splice(open.indexOf(first), 1);

    expect(existsSync(join(dataDirectory, "report.sqlite"))).toBe(true);
    const raw = new DatabaseSync(join(dataDirectory, "report.sqlite"));
    expect(raw.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    raw.close();
    expect(await ledgerIn(dataDirectory).recordCleaned(cleanedAgent("run-a", "a02", 2))).toBe(2);
  });

  it("serialises concurrent writers on their own connections: each sees the count its own write made", async () => {
    const dataDirectory = await mkdtemp(join(tmpdir(), "haymaker-ledger-"));
    ledgerIn(dataDirectory); // creates the schema before the writers race
    const agents = 12;
    const script = `
      const { workerData, parentPort } = require("node:worker_threads");
      import(${JSON.stringify(LEDGER_MODULE)}).then(async ({ SqliteRunLedger }) => {
        const ledger = SqliteRunLedger.inDataDirectory(workerData.dataDirectory);
        const counts = [];
        for (const agent of workerData.agents) counts.push(await ledger.recordCleaned(agent));
        await ledger.close();
        parentPort.postMessage(counts);
      });
    `;
    const writers = [0, 1, 2, 3].map(
      (writer) =>
        new Promise<number[]>((resolve, reject) => {
          const mine = Array.from({ length: agents }, (_, i) => i).filter((i) => i % 4 === writer);
          const worker = new Worker(script, {
            eval: true,
            workerData: {
              dataDirectory,
              agents: mine.map((i) => cleanedAgent("run-race", `a${String(i + 1).padStart(2, "0")}`, agents)),
            },
          });
          worker.once("message", resolve);
          worker.once("error", reject);
        }),
    );
    const counts = (await Promise.all(writers)).flat().sort((a, b) => a - b);
    // 1, 2, … 12, each once: no two writers counted the same moment, so exactly one saw the run complete.
    expect(counts).toEqual(Array.from({ length: agents }, (_, i) => i + 1));
  });
});
