// Replays and purges as operations an operator starts, watches and can abort: each runs in the background
// of the process that started it, its progress (total, done, failed, remaining) kept in a small SQLite file
// so it can be read while it runs and after. An operation still "running" when its process stopped is
// marked "interrupted" on the next start: what it had not completed is still in the dead-letter queues.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { redactSecrets } from "@haymaker/contracts";
import type { DeadLetterQueues, Progress } from "./dead-letter-queues.ts";
import { type DeadLetterSelection, normalise } from "./selection.ts";

export const REPLAYS_FILE = "replays.sqlite";
const ERRORS_KEPT = 20;
const LISTED = 100;

export type OperationKind = "replay" | "purge";
export type OperationStatus = "running" | "completed" | "aborted" | "failed" | "interrupted";

export interface ReplayOperation {
  id: string;
  name?: string;
  kind: OperationKind;
  status: OperationStatus;
  selection: DeadLetterSelection;
  requestedBy: string;
  startedAt: string;
  finishedAt?: string;
  /** How many dead letters matched when it started. */
  total: number;
  /** Replayed (sent again and removed), or for a purge, deleted. */
  replayed: number;
  failed: number;
  remaining: number;
  /** The latest errors, each naming its queue; never a message body, never a secret. */
  errors: string[];
}

export interface StartRequest {
  kind: OperationKind;
  selection: DeadLetterSelection;
  requestedBy: string;
  name?: string;
}

export class ReplayOperations {
  readonly #db: DatabaseSync;
  readonly #queues: DeadLetterQueues;
  readonly #running = new Map<string, { stop: AbortController; done: Promise<void> }>();

  private constructor(location: string, queues: DeadLetterQueues) {
    this.#db = new DatabaseSync(location);
    this.#db.exec("PRAGMA busy_timeout = 5000");
    this.#db.exec(
      "CREATE TABLE IF NOT EXISTS operations (id TEXT PRIMARY KEY, started_at TEXT NOT NULL, body TEXT NOT NULL) STRICT",
    );
    this.#queues = queues;
    for (const operation of this.list()) {
      if (operation.status === "running")
        this.#save({ ...operation, status: "interrupted", finishedAt: new Date().toISOString() });
    }
  }

  /** Opens (creating if need be) <dataDirectory>/replays.sqlite. */
  static open(dataDirectory: string, queues: DeadLetterQueues): ReplayOperations {
    mkdirSync(dataDirectory, { recursive: true });
    return new ReplayOperations(join(dataDirectory, REPLAYS_FILE), queues);
  }

  static inMemory(queues: DeadLetterQueues): ReplayOperations {
    return new ReplayOperations(":memory:", queues);
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
    this.#save(operation);
    const stop = new AbortController();
    const update = (progress: Progress) => this.#save(this.#withProgress(operation, progress));
    const work =
      request.kind === "replay"
        ? this.#queues.replay.bind(this.#queues)
        : this.#queues.purge.bind(this.#queues);
    const done = work(filter, ids, { signal: stop.signal, onProgress: update })
      .then((progress) => {
        const status = stop.signal.aborted ? "aborted" : "completed";
        const ended = this.#withProgress(operation, progress);
        if (status === "completed" && ended.remaining > 0) {
          // Matched when counted, not found when taken: locked by another receiver (a replay that crashed
          // holds its lock until the lock duration ends) or removed meanwhile.
          ended.errors = [
            ...ended.errors,
            `${ended.remaining} matched at the start but were not found in their queue: locked by another receiver, or already gone; try again after the lock duration`,
          ].slice(-ERRORS_KEPT);
        }
        this.#save({ ...ended, status, finishedAt: new Date().toISOString() });
      })
      .catch((error: unknown) => {
        const latest = this.get(operation.id) ?? operation;
        this.#save({
          ...latest,
          status: "failed",
          finishedAt: new Date().toISOString(),
          errors: [
            ...latest.errors,
            `the operation stopped: ${(error as Error)?.message ?? String(error)}`,
          ].slice(-ERRORS_KEPT),
        });
      })
      .finally(() => this.#running.delete(operation.id));
    this.#running.set(operation.id, { stop, done });
    return operation;
  }

  get(id: string): ReplayOperation | undefined {
    const row = this.#db.prepare("SELECT body FROM operations WHERE id = ?").get(id);
    return row === undefined ? undefined : (JSON.parse(String(row.body)) as ReplayOperation);
  }

  /** The latest operations, newest first. */
  list(): ReplayOperation[] {
    return this.#db
      .prepare("SELECT body FROM operations ORDER BY started_at DESC, id DESC LIMIT ?")
      .all(LISTED)
      .map((row) => JSON.parse(String(row.body)) as ReplayOperation);
  }

  /**
   * Stops a running operation after the batch in hand; undefined when there is no such operation, the
   * operation as it stands when it is not running here (any more).
   */
  async abort(id: string): Promise<ReplayOperation | undefined> {
    const running = this.#running.get(id);
    if (running === undefined) return this.get(id);
    running.stop.abort();
    await running.done;
    return this.get(id);
  }

  isRunning(id: string): boolean {
    return this.#running.has(id);
  }

  /** Resolves when every operation running now has ended. */
  async idle(): Promise<void> {
    await Promise.all([...this.#running.values()].map((r) => r.done));
  }

  /** Aborts what runs, waits for it, and closes the file. */
  async close(): Promise<void> {
    for (const running of this.#running.values()) running.stop.abort();
    await this.idle();
    if (this.#db.isOpen) this.#db.close();
  }

  #withProgress(operation: ReplayOperation, progress: Progress): ReplayOperation {
    return {
      ...operation,
      replayed: progress.done,
      failed: progress.failed,
      remaining: Math.max(0, operation.total - progress.done - progress.failed),
      errors: progress.errors.slice(-ERRORS_KEPT),
    };
  }

  /** Stores the operation; its error texts (SDK messages, which may quote a connection) lose their secrets first. */
  #save(operation: ReplayOperation): void {
    const safe = { ...operation, errors: operation.errors.map(redactSecrets) };
    this.#db
      .prepare(
        "INSERT INTO operations (id, started_at, body) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body",
      )
      .run(operation.id, operation.startedAt, JSON.stringify(safe));
  }
}
