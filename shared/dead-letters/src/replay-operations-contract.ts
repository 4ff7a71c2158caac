// What the replay operations do when several gateway replicas share one store, run over each store adapter:
// every replica sees an operation and can abort it; an operation is interrupted only when its replica is
// gone (its lease passed), never while that replica lives; a replica cut off past its lease gives it up.
import { describe, expect, it, onTestFinished } from "vitest";
import type { DeadLetterQueues, Progress, WorkOptions } from "./dead-letter-queues.ts";
import type { ReplayOperationStore } from "./replay-operation-store.ts";
import type { SharedReplayOperationStore } from "./replay-operation-store-contract.ts";
import { ReplayOperations } from "./replay-operations.ts";

/** Short, so tests wait little; the heartbeat tenfold more often, so a busy machine does not lose leases. */
const LEASE_MS = 1_000;
const HEARTBEAT_MS = 100;
const PER_BATCH = 10;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Dead-letter queues that work `batches` batches of 10, each taking `batchMs`, until aborted. */
function pacedQueues(batches: number, batchMs: number): DeadLetterQueues & { batchesDone(): number } {
  let done = 0;
  const work = async (_filter: unknown, _ids: unknown, options: WorkOptions): Promise<Progress> => {
    const progress: Progress = { done: 0, failed: 0, errors: [] };
    for (let batch = 0; batch < batches && !options.signal?.aborted; batch++) {
      await pause(batchMs);
      progress.done += PER_BATCH;
      done += 1;
      options.onProgress?.({ ...progress, errors: [] });
    }
    return progress;
  };
  const queues = {
    list: async () => Array.from({ length: batches * PER_BATCH }, () => ({})),
    replay: work,
    purge: work,
    batchesDone: () => done,
  };
  return queues as unknown as DeadLetterQueues & { batchesDone(): number };
}

/** A store this replica can lose touch with: while cut, every call fails as an unreachable store would. */
function severable(store: ReplayOperationStore) {
  let cut = false;
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      cut ? Promise.reject(new Error("the store cannot be reached")) : call(...args);
  const wrapped: ReplayOperationStore = {
    create: guard((stored) => store.create(stored)),
    get: guard((id) => store.get(id)),
    list: guard((limit) => store.list(limit)),
    replace: guard((stored, version) => store.replace(stored, version)),
    close: () => store.close(),
  };
  return { store: wrapped, cut: () => (cut = true), restore: () => (cut = false) };
}

async function until(what: string, check: () => Promise<boolean>, withinMs = 10_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`waited ${withinMs} ms for ${what}`);
    await pause(20);
  }
}

export function describeReplayOperationsContract(
  name: string,
  open: () => Promise<SharedReplayOperationStore>,
): void {
  /** Two replicas on one store; `a`'s connection can be cut. Errors they report are collected, not printed. */
  async function replicas(queues: DeadLetterQueues) {
    const shared = await open();
    const errors: unknown[] = [];
    const options = { leaseMs: LEASE_MS, heartbeatMs: HEARTBEAT_MS, onError: (e: unknown) => errors.push(e) };
    const link = severable(await shared.replica());
    const a = new ReplayOperations(link.store, queues, { ...options, replica: "replica-a" });
    const b = new ReplayOperations(await shared.replica(), queues, { ...options, replica: "replica-b" });
    onTestFinished(async () => {
      link.restore();
      await a.close();
      await b.close();
    });
    return { a, b, link, errors };
  }
  const request = {
    kind: "replay" as const,
    selection: { group: "g-0123456789ab" },
    requestedBy: "api-key:test",
  };

  describe(`ReplayOperations with two replicas: ${name}`, () => {
    it("an operation run by one replica is followed through the other, to its end", async () => {
      const { a, b } = await replicas(pacedQueues(5, 20));
      const started = await a.start(request);
      expect((await b.get(started.id))?.status).toBe("running");
      expect((await b.list()).map((o) => o.id)).toEqual([started.id]);
      await a.idle();
      expect(await b.get(started.id)).toMatchObject({ status: "completed", replayed: 50, remaining: 0 });
    });

    it("stays running, on every replica, while its replica lives — however many leases long it runs", async () => {
      // Each batch outlasts the lease: only the heartbeat keeps the claim alive between progress writes.
      const { a, b, errors } = await replicas(pacedQueues(1_000, 1.5 * LEASE_MS));
      const started = await a.start(request);
      const watchedUntil = Date.now() + 3 * LEASE_MS;
      while (Date.now() < watchedUntil) {
        expect((await b.get(started.id))?.status).toBe("running");
        expect((await b.list())[0]?.status).toBe("running");
        await pause(HEARTBEAT_MS);
      }
      expect(errors).toEqual([]);
      expect((await a.get(started.id))?.replayed).toBeGreaterThan(0);
    });

    it("an abort through the other replica stops it after the batch in hand", async () => {
      const queues = pacedQueues(1_000, 20);
      const { a, b } = await replicas(queues);
      const started = await a.start(request);
      await until("a few batches", async () => ((await b.get(started.id))?.replayed ?? 0) >= 30);
      const aborted = await b.abort(started.id);
      expect(aborted).toMatchObject({ outcome: "aborted", operation: { status: "aborted" } });
      await a.idle();
      const ended = await a.get(started.id);
      expect(ended?.status).toBe("aborted");
      expect(ended?.replayed).toBe(queues.batchesDone() * PER_BATCH);
      expect(ended?.replayed).toBeLessThan(10_000);
      expect(ended?.finishedAt).toEqual(expect.any(String));
      // Once ended, neither replica has anything to stop.
      expect(await b.abort(started.id)).toMatchObject({ outcome: "ended" });
      expect(await a.abort(started.id)).toMatchObject({ outcome: "ended" });
      expect(await b.abort("rpl-none")).toEqual({ outcome: "not-found" });
    });

    it("two replicas aborting one operation at once both see it stopped", async () => {
      const { a, b } = await replicas(pacedQueues(1_000, 20));
      const started = await a.start(request);
      const [here, there] = await Promise.all([a.abort(started.id), b.abort(started.id)]);
      expect(here).toMatchObject({ outcome: "aborted", operation: { status: "aborted" } });
      expect(there.outcome === "aborted" || there.outcome === "ended").toBe(true);
      expect((await b.get(started.id))?.status).toBe("aborted");
    });

    it("a dead replica's operation reads running until its lease passes, then interrupted on every replica", async () => {
      const { a, b, link } = await replicas(pacedQueues(1_000, 20));
      const started = await a.start(request);
      await until("progress", async () => ((await b.get(started.id))?.replayed ?? 0) > 0);
      link.cut(); // replica a is gone: nothing it does reaches the store any more
      const diedAt = Date.now();
      expect((await b.get(started.id))?.status).toBe("running");
      await until(
        "the interruption",
        async () => (await b.get(started.id))?.status === "interrupted",
        5 * LEASE_MS,
      );
      expect(Date.now() - diedAt).toBeGreaterThanOrEqual(LEASE_MS - 2 * HEARTBEAT_MS);
      const interrupted = (await b.list())[0];
      expect(interrupted).toMatchObject({
        id: started.id,
        status: "interrupted",
        finishedAt: expect.any(String),
      });
      expect(interrupted?.errors.at(-1)).toMatch(/stopped renewing its claim/);
      expect(await b.abort(started.id)).toMatchObject({ outcome: "ended" });
    });

    it("a replica cut off past its lease stops when it reaches the store again, and leaves the operation interrupted with its counts", async () => {
      const queues = pacedQueues(1_000, 20);
      const { a, b, link } = await replicas(queues);
      const started = await a.start(request);
      await until("progress", async () => ((await b.get(started.id))?.replayed ?? 0) > 0);
      link.cut();
      await until(
        "the interruption",
        async () => (await b.get(started.id))?.status === "interrupted",
        5 * LEASE_MS,
      );
      link.restore();
      await a.idle(); // it stops on its own: its next write finds the operation interrupted
      const ended = await b.get(started.id);
      expect(ended?.status).toBe("interrupted");
      expect(ended?.replayed).toBe(queues.batchesDone() * PER_BATCH);
      expect(ended?.errors.at(-1)).toMatch(/lost its claim/);
    });
  });
}
