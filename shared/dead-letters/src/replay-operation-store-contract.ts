// What every adapter of the replay operation store must do, as one suite run against each (SQLite, Cosmos
// DB on the emulator): records kept whole, writes only over the version read, several replicas at once.
import { describe, expect, it, onTestFinished } from "vitest";
import type { ReplayOperation } from "./replay-operation.ts";
import type { ReplayOperationStore, StoredOperation } from "./replay-operation-store.ts";

export interface SharedReplayOperationStore {
  /** The store as one more gateway replica opens it: its own connection to the same operations. */
  replica(): Promise<ReplayOperationStore>;
}

let made = 0;

/** A running operation as ReplayOperations records it; `startedAt` decides its place in the list. */
export function operationAt(startedAt: string, changes: Partial<ReplayOperation> = {}): ReplayOperation {
  made += 1;
  return {
    id: `rpl-test-${made.toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    kind: "replay",
    status: "running",
    selection: { group: "g-0123456789ab" },
    requestedBy: "api-key:test",
    startedAt,
    total: 10,
    replayed: 0,
    failed: 0,
    remaining: 10,
    errors: [],
    ...changes,
  };
}

export function describeReplayOperationStoreContract(
  name: string,
  open: () => Promise<SharedReplayOperationStore>,
): void {
  async function replicaOf(shared: SharedReplayOperationStore): Promise<ReplayOperationStore> {
    const store = await shared.replica();
    onTestFinished(() => store.close());
    return store;
  }
  async function pair() {
    const shared = await open();
    return { one: await replicaOf(shared), two: await replicaOf(shared) };
  }

  describe(`ReplayOperationStore contract: ${name}`, () => {
    it("keeps an operation whole, its lease and an abort request included, and nothing it was not given", async () => {
      const { one, two } = await pair();
      const plain: StoredOperation = { operation: operationAt("2026-12-08T06:00:00.000Z") };
      const full: StoredOperation = {
        operation: operationAt("2026-12-08T06:00:01.000Z", {
          name: "after the fix",
          kind: "purge",
          selection: { filter: { topic: "agent-selected", reason: "UnknownScenario" } },
          errors: ["agent-selected/provision: send failed"],
        }),
        lease: { owner: "host:1:abc", until: 1_796_700_000_000 },
        abortRequested: true,
      };
      await one.create(plain);
      await one.create(full);
      expect((await two.get(plain.operation.id))?.stored).toStrictEqual(plain);
      expect((await two.get(full.operation.id))?.stored).toStrictEqual(full);
      expect(await two.get("rpl-none")).toBeUndefined();
      expect(await two.get("not/an?id#")).toBeUndefined();
    });

    it("refuses to create an operation whose id is taken", async () => {
      const { one, two } = await pair();
      const stored: StoredOperation = { operation: operationAt("2026-12-08T06:00:00.000Z") };
      await one.create(stored);
      await expect(two.create(stored)).rejects.toThrow();
    });

    it("writes over the version read, and refuses a write over any other", async () => {
      const { one, two } = await pair();
      const operation = operationAt("2026-12-08T06:00:00.000Z");
      const first = await one.create({ operation });
      const progressed: StoredOperation = { operation: { ...operation, replayed: 4, remaining: 6 } };
      const second = await one.replace(progressed, first);
      expect(second).toBeDefined();
      expect(second).not.toBe(first);
      expect(await two.get(operation.id)).toEqual({ stored: progressed, version: second });
      // A write over the first version (someone who read before the progress) changes nothing.
      expect(
        await two.replace({ operation: { ...operation, status: "interrupted" } }, first),
      ).toBeUndefined();
      expect((await one.get(operation.id))?.stored).toStrictEqual(progressed);
      expect(
        await two.replace({ operation: operationAt("2026-12-08T06:00:00.000Z") }, first),
      ).toBeUndefined();
    });

    it("of two replicas writing over the same version at once, exactly one succeeds", async () => {
      const { one, two } = await pair();
      for (let round = 0; round < 5; round++) {
        const operation = operationAt("2026-12-08T06:00:00.000Z");
        const version = await one.create({ operation, lease: { owner: "a", until: 1 } });
        const [renewed, interrupted] = await Promise.all([
          one.replace({ operation, lease: { owner: "a", until: 2 } }, version),
          two.replace({ operation: { ...operation, status: "interrupted" } }, version),
        ]);
        expect([renewed, interrupted].filter((v) => v !== undefined)).toHaveLength(1);
        const stored = (await one.get(operation.id))?.stored;
        expect(stored?.operation.status).toBe(renewed === undefined ? "interrupted" : "running");
      }
    });

    it("lists the latest operations of every replica, newest first, as many as asked", async () => {
      const { one, two } = await pair();
      const older = operationAt("2026-12-08T06:00:00.000Z");
      const newest = operationAt("2026-12-08T06:00:02.000Z");
      const sameA = operationAt("2026-12-08T06:00:01.000Z", { id: "rpl-same-a" });
      const sameB = operationAt("2026-12-08T06:00:01.000Z", { id: "rpl-same-b" });
      for (const [store, operation] of [
        [one, older],
        [two, sameA],
        [one, newest],
        [two, sameB],
      ] as const) {
        await store.create({ operation });
      }
      const ids = async (store: ReplayOperationStore, limit: number) =>
        (await store.list(limit)).map((entry) => entry.stored.operation.id);
      expect(await ids(one, 10)).toEqual([newest.id, "rpl-same-b", "rpl-same-a", older.id]);
      expect(await ids(two, 2)).toEqual([newest.id, "rpl-same-b"]);
      const [latest] = await two.list(1);
      expect(latest?.version).toBe((await one.get(newest.id))?.version);
    });
  });
}
