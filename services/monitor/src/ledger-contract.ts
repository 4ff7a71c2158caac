// The contract every MonitorLedger adapter passes (SQLite in ledger.test.ts, Cosmos DB in
// cosmos-ledger.test.ts). `make` opens a ledger on the store `where` names (the same `where` twice: two
// monitor processes on one store) and reads the time from `now` where the adapter needs a clock; the tests
// move the clock with the facts they record, so an adapter may judge age by either.
import { beforeEach, describe, expect, it, onTestFinished } from "vitest";
import type { MonitorLedger } from "./ledger.ts";

export type OpenMonitorLedger = MonitorLedger & { close(): void | Promise<void> };

export interface MonitorLedgerStore {
  /** A ledger on this store; every ledger opened is closed after the test. */
  open(now: () => Date): Promise<OpenMonitorLedger>;
}

/** A fresh, empty store for one test. */
export type MakeMonitorLedgerStore = () => Promise<MonitorLedgerStore>;

export function describeMonitorLedgerContract(name: string, makeStore: MakeMonitorLedgerStore): void {
  describe(`monitor's ledger contract: ${name}`, () => {
    let clock: Date;
    const now = () => clock;
    beforeEach(() => {
      clock = new Date("2026-11-24T06:05:00.000Z");
    });

    async function twoLedgers(): Promise<[OpenMonitorLedger, OpenMonitorLedger]> {
      const store = await makeStore();
      const ledgers = [await store.open(now), await store.open(now)] as const;
      onTestFinished(async () => {
        for (const ledger of ledgers) await ledger.close();
      });
      return [ledgers[0], ledgers[1]];
    }

    it("remembers cancellations, stop requests and handled checks across ledgers on one store", async () => {
      const [first, second] = await twoLedgers();
      await first.cancelRun({
        runId: "run-a",
        cancelledAt: "2026-11-24T06:00:00.000Z",
        requestedBy: "cli",
        reason: "operator asked",
      });
      await first.recordStopRequest("local:agent-1", new Date("2026-11-24T06:05:00.000Z"));
      await first.markCheckHandled("check-1", new Date("2026-11-24T06:05:00.000Z"));

      expect(await second.cancelledRun("run-a")).toEqual({
        runId: "run-a",
        cancelledAt: "2026-11-24T06:00:00.000Z",
        requestedBy: "cli",
        reason: "operator asked",
      });
      expect(await second.cancelledRun("run-b")).toBeUndefined();
      expect((await second.stopRequestedAt("local:agent-1"))?.toISOString()).toBe("2026-11-24T06:05:00.000Z");
      expect(await second.stopRequestedAt("local:agent-2")).toBeUndefined();
      expect(await second.checkHandled("check-1")).toBe(true);
      expect(await second.checkHandled("check-2")).toBe(false);
    });

    it("keeps the first cancellation of a run; a repeat changes nothing", async () => {
      const [ledger] = await twoLedgers();
      await ledger.cancelRun({ runId: "run-a", cancelledAt: "2026-11-24T06:00:00.000Z", requestedBy: "cli" });
      await ledger.cancelRun({
        runId: "run-a",
        cancelledAt: "2026-11-24T06:01:00.000Z",
        requestedBy: "gateway",
        reason: "again",
      });
      expect(await ledger.cancelledRun("run-a")).toEqual({
        runId: "run-a",
        cancelledAt: "2026-11-24T06:00:00.000Z",
        requestedBy: "cli",
      });
    });

    it("keeps the first stop request, so giving up is counted from when monitor first asked", async () => {
      const [ledger] = await twoLedgers();
      const first = await ledger.recordStopRequest("local:agent-1", new Date("2026-11-24T06:05:00.000Z"));
      const later = await ledger.recordStopRequest("local:agent-1", new Date("2026-11-24T06:06:00.000Z"));
      expect(first.toISOString()).toBe("2026-11-24T06:05:00.000Z");
      expect(later.toISOString()).toBe("2026-11-24T06:05:00.000Z");
    });

    it("keeps runtime references of any shape apart, however long", async () => {
      const [ledger] = await twoLedgers();
      const job =
        "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.App/jobs/haymaker-agent/executions";
      const refs = [`${job}/exec-1`, `${job}/exec-2`, `aca:${"x".repeat(300)}`, `aca:${"x".repeat(299)}?#`];
      for (const [index, ref] of refs.entries()) {
        await ledger.recordStopRequest(ref, new Date(Date.UTC(2026, 10, 24, 6, index)));
      }
      for (const [index, ref] of refs.entries()) {
        expect((await ledger.stopRequestedAt(ref))?.getTime()).toBe(Date.UTC(2026, 10, 24, 6, index));
      }
    });

    it("gives two monitors racing to stop one agent the same first request", async () => {
      const [one, two] = await twoLedgers();
      const asked = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 === 0 ? one : two).recordStopRequest(
            "aca:job/exec-race",
            new Date(Date.UTC(2026, 10, 24, 6, 10, i)),
          ),
        ),
      );
      const times = new Set(asked.map((date) => date.toISOString()));
      expect(times.size).toBe(1);
      expect((await one.stopRequestedAt("aca:job/exec-race"))?.toISOString()).toBe([...times][0]);
    });

    it("lets racing cancellations and check marks all succeed, recording each fact once", async () => {
      const [one, two] = await twoLedgers();
      await Promise.all([
        one.cancelRun({ runId: "run-race", cancelledAt: "2026-11-24T06:00:00.000Z", requestedBy: "cli" }),
        two.cancelRun({ runId: "run-race", cancelledAt: "2026-11-24T06:00:01.000Z", requestedBy: "gateway" }),
        one.markCheckHandled("check-race", new Date("2026-11-24T06:05:00.000Z")),
        two.markCheckHandled("check-race", new Date("2026-11-24T06:05:01.000Z")),
      ]);
      const cancelled = await two.cancelledRun("run-race");
      expect(["cli", "gateway"]).toContain(cancelled?.requestedBy);
      expect(await one.cancelledRun("run-race")).toEqual(cancelled);
      expect(await one.checkHandled("check-race")).toBe(true);
    });

    it("forgets what is older than a pipeline message can be (14 days), and records it afresh", async () => {
      clock = new Date("2026-11-01T00:00:00.000Z");
      const [ledger] = await twoLedgers();
      await ledger.cancelRun({
        runId: "run-old",
        cancelledAt: "2026-11-01T00:00:00.000Z",
        requestedBy: "cli",
      });
      await ledger.recordStopRequest("local:agent-old", new Date("2026-11-01T00:00:00.000Z"));
      await ledger.markCheckHandled("check-old", new Date("2026-11-01T00:00:00.000Z"));
      clock = new Date("2026-11-12T00:00:00.000Z");
      await ledger.markCheckHandled("check-recent", new Date("2026-11-12T00:00:00.000Z"));
      expect(await ledger.checkHandled("check-old")).toBe(true);
      clock = new Date("2026-11-24T00:00:00.000Z");
      await ledger.markCheckHandled("check-now", new Date("2026-11-24T00:00:00.000Z"));
      expect(await ledger.checkHandled("check-old")).toBe(false);
      expect(await ledger.cancelledRun("run-old")).toBeUndefined();
      expect(await ledger.stopRequestedAt("local:agent-old")).toBeUndefined();
      expect(await ledger.checkHandled("check-recent")).toBe(true);
      // Forgotten means gone: a new stop request is the first again.
      const asked = await ledger.recordStopRequest("local:agent-old", new Date("2026-11-24T00:00:00.000Z"));
      expect(asked.toISOString()).toBe("2026-11-24T00:00:00.000Z");
    });
  });
}
