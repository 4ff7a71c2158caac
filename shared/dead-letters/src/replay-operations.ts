// Replays and purges as operations an operator starts, watches and can abort: each runs in the background
// of the gateway replica that started it, its progress (total, done, failed, remaining) kept in a store
// (replay-operation-store.ts) that every replica reads, so it can be followed and aborted through any.
//
// Several replicas share the store, so "running" must not be taken for "running here". The replica that
// runs an operation holds a lease on it, renewed every heartbeat; an operation whose lease has passed lost
// its replica (it stopped, or can no longer reach the store) and is marked "interrupted" by whichever
// replica reads it next — what it had not completed is still in the dead-letter queues. An abort asked of a
// replica that does not run the operation is written into it; the running replica sees it at its next
// write (a batch's progress, or the heartbeat) and stops after the batch in hand. A replica that finds its
// operation marked interrupted (it had been cut off past its lease) stops too, and leaves it interrupted.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { redactSecrets } from "@haymaker/contracts";
import type { DeadLetterQueues, Progress } from "./dead-letter-queues.ts";
import type { OperationStatus, ReplayOperation, StartRequest } from "./replay-operation.ts";
import type { ReplayOperationStore, StoredOperation, VersionedOperation } from "./replay-operation-store.ts";
import { normalise } from "./selection.ts";
import { SqliteReplayOperationStore } from "./sqlite-replay-operation-store.ts";

const ERRORS_KEPT = 20;
const LISTED = 100;
/** A replica may miss several heartbeats (a long GC pause, a slow store) before its operations are given up. */
export const DEFAULT_LEASE_MS = 30_000;
export const DEFAULT_HEARTBEAT_MS = 5_000;
/** Writes that keep meeting another replica's write give up after this many tries (and are retried later). */
const WRITE_TRIES = 5;
const INTERRUPTED =
  "the gateway replica running it stopped renewing its claim (it stopped, or lost the store); what it had not replayed is still in the dead-letter queues";
const CUT_OFF =
  "this replica had lost its claim (it could not reach the store for longer than its lease) and stopped after the batch in hand; the counts are what it did";

export interface ReplayOperationsOptions {
  /** This replica's name in leases; by default the host, the process and a random part. */
  replica?: string;
  /** How long a claim on a running operation lasts unless renewed. */
  leaseMs?: number;
  /** How often a running operation's claim is renewed (and an abort asked elsewhere looked for). */
  heartbeatMs?: number;
  /** Where a failed write of progress goes; the next heartbeat writes it again. */
  onError?: (error: unknown) => void;
}

export type AbortOutcome =
  | { outcome: "not-found" }
  /** It had ended before: nothing was stopped. */
  | { outcome: "ended"; operation: ReplayOperation }
  /** Stopped (or, if its replica is slow to see the request, stopping): the operation as it stands. */
  | { outcome: "aborted"; operation: ReplayOperation };

interface Run {
  readonly id: string;
  readonly stop: AbortController;
  done: Promise<void>;
  /** The operation as this replica last wrote or read it, and that write's version. */
  stored: StoredOperation;
  version: string;
  /** The latest progress reported, and whether a write of it is queued. */
  progress?: Progress;
  progressQueued: boolean;
  /** This replica's writes of the operation, one after another. */
  writes: Promise<void>;
  /** It was marked interrupted under this replica (or removed): nothing but its final counts is written. */
  lost: boolean;
}

export class ReplayOperations {
  readonly #store: ReplayOperationStore;
  readonly #queues: DeadLetterQueues;
  readonly #replica: string;
  readonly #leaseMs: number;
  readonly #heartbeatMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #running = new Map<string, Run>();

  constructor(store: ReplayOperationStore, queues: DeadLetterQueues, options: ReplayOperationsOptions = {}) {
    this.#store = store;
    this.#queues = queues;
    this.#replica = options.replica ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    if (this.#heartbeatMs >= this.#leaseMs) {
      throw new Error(
        `the heartbeat (${this.#heartbeatMs} ms) must be shorter than the lease (${this.#leaseMs} ms)`,
      );
    }
    this.#onError =
      options.onError ??
      ((error) =>
        process.stderr.write(
          `replay operations: ${redactSecrets((error as Error)?.message ?? String(error))}\n`,
        ));
  }

  /** Over <dataDirectory>/replays.sqlite (created if need be). */
  static open(
    dataDirectory: string,
    queues: DeadLetterQueues,
    options?: ReplayOperationsOptions,
  ): ReplayOperations {
    return new ReplayOperations(SqliteReplayOperationStore.open(dataDirectory), queues, options);
  }

  static inMemory(queues: DeadLetterQueues, options?: ReplayOperationsOptions): ReplayOperations {
    return new ReplayOperations(SqliteReplayOperationStore.inMemory(), queues, options);
  }

  /** Counts what the selection matches, records the operation and starts it; answers at once. */
  async start(request: StartRequest): Promise<ReplayOperation> {
    const { filter, ids } = normalise(request.selection);
    const total = ids?.size ?? (await this.#queues.list(filter)).length;
    const operation: ReplayOperation = {
      id: `rpl-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`,
      ...(request.name === undefined ? {} : { name: request.name }),
      kind: request.kind,
      status: "running",
      selection: request.selection,
      requestedBy: request.requestedBy,
      startedAt: new Date().toISOString(),
      total,
      replayed: 0,
      failed: 0,
      remaining: total,
      errors: [],
    };
    const stored: StoredOperation = { operation, lease: this.#lease() };
    const version = await this.#store.create(stored);
    const run: Run = {
      id: operation.id,
      stop: new AbortController(),
      done: Promise.resolve(),
      stored,
      version,
      progressQueued: false,
      writes: Promise.resolve(),
      lost: false,
    };
    const onProgress = (progress: Progress) => {
      run.progress = progress;
      if (run.progressQueued) return;
      run.progressQueued = true;
      void this.#commit(run, (current) => {
        run.progressQueued = false;
        return this.#progressed(current, run.progress);
      });
    };
    const heartbeat = setInterval(() => {
      if (!run.lost) void this.#commit(run, (current) => this.#progressed(current, run.progress));
    }, this.#heartbeatMs);
    heartbeat.unref();
    const work =
      request.kind === "replay"
        ? this.#queues.replay.bind(this.#queues)
        : this.#queues.purge.bind(this.#queues);
    run.done = work(filter, ids, { signal: run.stop.signal, onProgress })
      .then(
        (progress) => {
          run.progress = progress;
          const status = run.stop.signal.aborted ? "aborted" : "completed";
          return this.#commit(run, (current) => this.#ended(current, progress, status));
        },
        (error: unknown) =>
          this.#commit(run, (current) => {
            const ended = this.#ended(current, run.progress, "failed");
            const why = `the operation stopped: ${(error as Error)?.message ?? String(error)}`;
            ended.operation.errors = [...ended.operation.errors, why].slice(-ERRORS_KEPT);
            return ended;
          }),
      )
      .finally(() => {
        clearInterval(heartbeat);
        this.#running.delete(operation.id);
      });
    this.#running.set(operation.id, run);
    return operation;
  }

  /** The operation; one still "running" whose replica's lease has passed is marked interrupted first. */
  async get(id: string): Promise<ReplayOperation | undefined> {
    const found = await this.#store.get(id);
    return found === undefined ? undefined : this.#settled(found);
  }

  /** The latest operations, newest first. */
  async list(): Promise<ReplayOperation[]> {
    const found = await this.#store.list(LISTED);
    return Promise.all(found.map((entry) => this.#settled(entry)));
  }

  /**
   * Stops an operation after the batch in hand, whichever replica runs it: here at once; elsewhere by
   * asking its replica through the store and waiting (at most a lease) for it to stop.
   */
  async abort(id: string): Promise<AbortOutcome> {
    const here = this.#running.get(id);
    if (here !== undefined) {
      here.stop.abort();
      await here.done;
      return { outcome: "aborted", operation: (await this.get(id)) ?? here.stored.operation };
    }
    for (let attempt = 1; ; attempt++) {
      const found = await this.#store.get(id);
      if (found === undefined) return { outcome: "not-found" };
      const operation = await this.#settled(found);
      if (operation.status !== "running") return { outcome: "ended", operation };
      if (found.stored.abortRequested === true) break;
      const asked = await this.#store.replace({ ...found.stored, abortRequested: true }, found.version);
      if (asked !== undefined) break;
      if (attempt >= WRITE_TRIES) throw new Error(`operation ${id} kept changing; ask again to abort it`);
    }
    const deadline = Date.now() + this.#leaseMs + this.#heartbeatMs;
    const pause = Math.max(10, Math.min(250, this.#heartbeatMs / 2));
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, pause));
      const operation = await this.get(id);
      if (operation === undefined) return { outcome: "not-found" };
      if (operation.status !== "running" || Date.now() >= deadline) return { outcome: "aborted", operation };
    }
  }

  /** Resolves when every operation running here now has ended. */
  async idle(): Promise<void> {
    await Promise.all([...this.#running.values()].map((run) => run.done));
  }

  /** Aborts what runs here, waits for it (each ends "aborted"), and closes the store. */
  async close(): Promise<void> {
    for (const run of this.#running.values()) run.stop.abort();
    await this.idle();
    this.#store.close();
  }

  #lease() {
    return { owner: this.#replica, until: Date.now() + this.#leaseMs };
  }

  #owns(stored: StoredOperation): boolean {
    return stored.operation.status === "running" && stored.lease?.owner === this.#replica;
  }

  /** The operation with this replica's latest progress, and its lease renewed while it still holds it. */
  #progressed(current: StoredOperation, progress: Progress | undefined): StoredOperation {
    const operation = progress === undefined ? current.operation : withProgress(current.operation, progress);
    return this.#owns(current) ? { ...current, operation, lease: this.#lease() } : { ...current, operation };
  }

  /** The operation as it ended here; one this replica had lost keeps the status another replica gave it. */
  #ended(current: StoredOperation, progress: Progress | undefined, status: OperationStatus): StoredOperation {
    const { operation } = this.#progressed(current, progress);
    if (!this.#owns(current)) {
      return {
        ...current,
        operation: { ...operation, errors: [...operation.errors, CUT_OFF].slice(-ERRORS_KEPT) },
      };
    }
    const ended: ReplayOperation = { ...operation, status, finishedAt: new Date().toISOString() };
    if (status === "completed" && ended.remaining > 0) {
      // Matched when counted, not found when taken: locked by another receiver (a replay that crashed
      // holds its lock until the lock duration ends) or removed meanwhile.
      ended.errors = [
        ...ended.errors,
        `${ended.remaining} matched at the start but were not found in their queue: locked by another receiver, or already gone; try again after the lock duration`,
      ].slice(-ERRORS_KEPT);
    }
    return { operation: ended };
  }

  /**
   * Writes `change` of the operation over the version this replica last saw, after the writes before it.
   * Another replica's write in between (an abort asked, the operation marked interrupted) is read and the
   * change made again on top of it; a failure is reported and left for the next heartbeat.
   */
  #commit(run: Run, change: (current: StoredOperation) => StoredOperation): Promise<void> {
    run.writes = run.writes.then(() => this.#write(run, change)).catch(this.#onError);
    return run.writes;
  }

  async #write(run: Run, change: (current: StoredOperation) => StoredOperation): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const next = withoutSecrets(change(run.stored));
      const version = await this.#store.replace(next, run.version);
      if (version !== undefined) {
        run.stored = next;
        run.version = version;
        return;
      }
      const fresh = await this.#store.get(run.id);
      if (fresh === undefined) {
        run.lost = true;
        run.stop.abort();
        return;
      }
      run.stored = fresh.stored;
      run.version = fresh.version;
      if (!this.#owns(fresh.stored)) {
        run.lost = true;
        run.stop.abort();
      } else if (fresh.stored.abortRequested === true) {
        run.stop.abort();
      }
      if (attempt >= WRITE_TRIES)
        throw new Error(`operation ${run.id} kept changing under ${attempt} writes`);
    }
  }

  /**
   * The operation as it stands. One marked running that no replica holds any more (its lease has passed,
   * or it has none: written before leases, or by a replica gone before its first heartbeat) is marked
   * interrupted, unless another replica changed it first.
   */
  async #settled({ stored, version }: VersionedOperation): Promise<ReplayOperation> {
    const { operation } = stored;
    if (operation.status !== "running" || this.#running.has(operation.id)) return operation;
    if (stored.lease !== undefined && stored.lease.until > Date.now()) return operation;
    const interrupted: ReplayOperation = {
      ...operation,
      status: "interrupted",
      finishedAt: new Date().toISOString(),
      errors: [...operation.errors, INTERRUPTED].slice(-ERRORS_KEPT),
    };
    if ((await this.#store.replace({ operation: interrupted }, version)) !== undefined) return interrupted;
    return (await this.#store.get(operation.id))?.stored.operation ?? interrupted;
  }
}

function withProgress(operation: ReplayOperation, progress: Progress): ReplayOperation {
  return {
    ...operation,
    replayed: progress.done,
    failed: progress.failed,
    remaining: Math.max(0, operation.total - progress.done - progress.failed),
    errors: progress.errors.slice(-ERRORS_KEPT),
  };
}

/** Error texts (SDK messages, which may quote a connection) lose their secrets before they are stored. */
function withoutSecrets(stored: StoredOperation): StoredOperation {
  return {
    ...stored,
    operation: { ...stored.operation, errors: stored.operation.errors.map(redactSecrets) },
  };
}
