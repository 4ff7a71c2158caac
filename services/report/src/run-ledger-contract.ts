// The contract every RunLedger adapter passes (SQLite in sqlite-run-ledger.test.ts, Cosmos DB in
// cosmos-run-ledger.test.ts). `open` gives a ledger on one store; several at once are several report
// processes sharing it.
import { type AgentCleanedData, EXAMPLE_DATA } from "@haymaker/contracts";
import { describe, expect, it, onTestFinished } from "vitest";
import type { CleanedAgent, RunLedger } from "./run-ledger.ts";

export interface RunLedgerStore {
  open(): Promise<RunLedger>;
}

/** A fresh, empty store for one test. */
export type MakeRunLedgerStore = () => Promise<RunLedgerStore>;

export function cleanedAgent(
  runId: string,
  agentId: string,
  total: number,
  deleted: string[] = [],
): CleanedAgent {
  return {
    data: { ...EXAMPLE_DATA["agent.cleaned"], runId, agentId, total, index: 0, deleted } as AgentCleanedData,
    cleanedAt: "2026-11-24T14:10:00.000Z",
  };
}

export function describeRunLedgerContract(name: string, makeStore: MakeRunLedgerStore): void {
  describe(`run ledger contract: ${name}`, () => {
    async function ledgers(count: number): Promise<RunLedger[]> {
      const store = await makeStore();
      const opened = await Promise.all(Array.from({ length: count }, () => store.open()));
      onTestFinished(() => Promise.all(opened.map((ledger) => ledger.close())).then(() => undefined));
      return opened;
    }

    it("counts each agent of a run once, however often it is recorded, and keeps the first record", async () => {
      const [ledger] = (await ledgers(1)) as [RunLedger];
      const account = EXAMPLE_DATA["agent.cleaned"].deleted[0] as string;
      expect(await ledger.recordCleaned(cleanedAgent("run-a", "a02", 3, [account]))).toBe(1);
      expect(await ledger.recordCleaned(cleanedAgent("run-a", "a02", 3, []))).toBe(1);
      expect(await ledger.recordCleaned(cleanedAgent("run-b", "a01", 1))).toBe(1);
      expect(await ledger.recordCleaned(cleanedAgent("run-a", "a01", 3))).toBe(2);

      const agents = await ledger.cleanedAgents("run-a");
      expect(agents.map((agent) => agent.data.agentId)).toEqual(["a01", "a02"]);
      expect(agents[1]?.data.deleted).toEqual([account]);
      expect(agents[1]?.cleanedAt).toBe("2026-11-24T14:10:00.000Z");
      expect(await ledger.cleanedAgents("run-none")).toEqual([]);
    });

    it("shares what one ledger records with another on the same store", async () => {
      const [one, two] = (await ledgers(2)) as [RunLedger, RunLedger];
      await one.recordCleaned(cleanedAgent("run-a", "a01", 2));
      expect(await two.recordCleaned(cleanedAgent("run-a", "a02", 2))).toBe(2);
      expect((await one.cleanedAgents("run-a")).map((agent) => agent.data.agentId)).toEqual(["a01", "a02"]);
    });

    it("records a run's failure once; the first stands", async () => {
      const [ledger] = (await ledgers(1)) as [RunLedger];
      expect(await ledger.failureOf("run-a")).toBeUndefined();
      await ledger.recordFailure("run-a", {
        phase: "deploy",
        reason: "quota",
        failedAt: "2026-11-24T06:10:00Z",
      });
      await ledger.recordFailure("run-a", {
        phase: "monitor",
        reason: "later",
        failedAt: "2026-11-24T07:00:00Z",
      });
      expect(await ledger.failureOf("run-a")).toEqual({
        phase: "deploy",
        reason: "quota",
        failedAt: "2026-11-24T06:10:00Z",
      });
      expect(await ledger.failureOf("run-b")).toBeUndefined();
    });

    it("gives racing records of a run's agents each the count its own write made: one sees the run complete", async () => {
      const writers = await ledgers(4);
      const total = 12;
      const agents = Array.from({ length: total }, (_, i) =>
        cleanedAgent("run-race", `a${String(i + 1).padStart(2, "0")}`, total),
      );
      const counts = await Promise.all(
        agents.map((agent, i) => (writers[i % writers.length] as RunLedger).recordCleaned(agent)),
      );
      // 1, 2, … 12, each once: no two records counted the same moment, so exactly one saw the run complete.
      expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(await (writers[0] as RunLedger).cleanedAgents("run-race")).toHaveLength(total);
    });

    it("counts an agent recorded by racing repeats once, and keeps one of their records", async () => {
      const writers = await ledgers(3);
      const repeats = ["x", "y", "z"].map((resource, i) =>
        cleanedAgent("run-repeat", "a01", 2, [`/subscriptions/0/resourceGroups/rg/${resource}${i}`]),
      );
      const counts = await Promise.all(
        repeats.map((agent, i) => (writers[i] as RunLedger).recordCleaned(agent)),
      );
      expect(counts).toEqual([1, 1, 1]);
      const [kept] = await (writers[0] as RunLedger).cleanedAgents("run-repeat");
      expect(repeats.map((agent) => agent.data.deleted)).toContainEqual(kept?.data.deleted);
      expect(await (writers[1] as RunLedger).recordCleaned(cleanedAgent("run-repeat", "a02", 2))).toBe(2);
    });
  });
}
