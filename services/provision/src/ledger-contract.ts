// The contract every ProvisionLedger adapter passes (SQLite in ledger.test.ts, Cosmos DB in
// cosmos-ledger.test.ts). `open` gives a ledger on one store (called twice: two provision processes on one
// store), with the clock it should read; the tests move the clock.
import { newEvent } from "@haymaker/cloudevents";
import { EXAMPLE_DATA } from "@haymaker/contracts";
import { beforeEach, describe, expect, it, onTestFinished } from "vitest";
import type { ProvisionLedger } from "./ledger.ts";

export type OpenProvisionLedger = ProvisionLedger & { close(): void | Promise<void> };

export interface ProvisionLedgerStore {
  open(now: () => Date): Promise<OpenProvisionLedger>;
}

/** A fresh, empty store for one test. */
export type MakeProvisionLedgerStore = () => Promise<ProvisionLedgerStore>;

function provisioned(agentId: string, deadline = "2026-11-24T08:00:00.000Z", runId = "run-ledger") {
  return newEvent("identity.provisioned", {
    source: "/haymaker/provision",
    data: { ...EXAMPLE_DATA["identity.provisioned"], runId, agentId, deadline },
  });
}

export function describeProvisionLedgerContract(name: string, makeStore: MakeProvisionLedgerStore): void {
  describe(`provision's ledger contract: ${name}`, () => {
    let clock: Date;
    const now = () => clock;
    beforeEach(() => {
      clock = new Date("2026-11-24T06:00:00.000Z");
    });

    async function twoLedgers(): Promise<[OpenProvisionLedger, OpenProvisionLedger]> {
      const store = await makeStore();
      const ledgers = [await store.open(now), await store.open(now)] as const;
      onTestFinished(async () => {
        for (const ledger of ledgers) await ledger.close();
      });
      return [ledgers[0], ledgers[1]];
    }

    it("keeps the first event recorded for an agent, and gives it back to a later record", async () => {
      const [one, two] = await twoLedgers();
      const first = provisioned("a01");
      await expect(one.record(first)).resolves.toEqual(first);
      // A second record (another process raced to the same agent) gets the first one back.
      await expect(two.record(provisioned("a01", "2026-11-24T09:00:00.000Z"))).resolves.toEqual(first);
      await expect(two.provisioned("run-ledger", "a01")).resolves.toEqual(first);
      await expect(two.provisioned("run-ledger", "a02")).resolves.toBeUndefined();
      await expect(two.provisioned("run-other", "a01")).resolves.toBeUndefined();
    });

    it("keeps agents of different runs apart", async () => {
      const [ledger] = await twoLedgers();
      const ofA = provisioned("a01", undefined, "run-a");
      const ofB = provisioned("a01", undefined, "run-b");
      await ledger.record(ofA);
      await ledger.record(ofB);
      await expect(ledger.provisioned("run-a", "a01")).resolves.toEqual(ofA);
      await expect(ledger.provisioned("run-b", "a01")).resolves.toEqual(ofB);
    });

    it("gives every one of racing records the same first event, and records it once", async () => {
      const [one, two] = await twoLedgers();
      const candidates = Array.from({ length: 8 }, (_, i) =>
        provisioned("a07", `2026-11-24T0${i + 1}:00:00.000Z`),
      );
      const results = await Promise.all(
        candidates.map((event, i) => (i % 2 === 0 ? one : two).record(event)),
      );
      const winner = results[0];
      expect(candidates).toContainEqual(winner);
      for (const result of results) expect(result).toEqual(winner);
      await expect(one.provisioned("run-ledger", "a07")).resolves.toEqual(winner);
    });

    it("forgets records older than a pipeline message can live (14 days), and records afresh", async () => {
      clock = new Date("2026-11-01T00:00:00.000Z");
      const [ledger] = await twoLedgers();
      await ledger.record(provisioned("a01"));
      clock = new Date("2026-11-16T00:00:00.000Z");
      await ledger.record(provisioned("a02"));
      await expect(ledger.provisioned("run-ledger", "a01")).resolves.toBeUndefined();
      await expect(ledger.provisioned("run-ledger", "a02")).resolves.toBeDefined();
      const again = provisioned("a01", "2026-11-16T08:00:00.000Z");
      await expect(ledger.record(again)).resolves.toEqual(again);
    });
  });
}
