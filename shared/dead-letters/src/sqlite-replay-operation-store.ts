// The local adapter of the replay operation store: one SQLite file, replays.sqlite under the data directory,
// shared by every process on this machine that opens it. Files written before operations carried a lease
// and a version are read as they are: their rows get version 0, and a row that says "running" without a
// lease reads as an operation whose replica is gone.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { ReplayOperation } from "./replay-operation.ts";
import type { ReplayOperationStore, StoredOperation, VersionedOperation } from "./replay-operation-store.ts";

export const REPLAYS_FILE = "replays.sqlite";

export class SqliteReplayOperationStore implements ReplayOperationStore {
  readonly #db: DatabaseSync;

  constructor(location: string) {
    this.#db = new DatabaseSync(location);
    this.#db.exec("PRAGMA busy_timeout = 5000");
    this.#db.exec(
      "CREATE TABLE IF NOT EXISTS operations (id TEXT PRIMARY KEY, started_at TEXT NOT NULL, body TEXT NOT NULL) STRICT",
    );
    const columns = this.#db.prepare("PRAGMA table_info(operations)").all() as { name: string }[];
    if (!columns.some((column) => column.name === "version")) {
      this.#db.exec("ALTER TABLE operations ADD COLUMN version INTEGER NOT NULL DEFAULT 0");
    }
  }

  /** Opens (creating if need be) <dataDirectory>/replays.sqlite. */
  static open(dataDirectory: string): SqliteReplayOperationStore {
    mkdirSync(dataDirectory, { recursive: true });
    return new SqliteReplayOperationStore(join(dataDirectory, REPLAYS_FILE));
  }

  static inMemory(): SqliteReplayOperationStore {
    return new SqliteReplayOperationStore(":memory:");
  }

  async create(stored: StoredOperation): Promise<string> {
    const { id, startedAt } = stored.operation;
    this.#db
      .prepare("INSERT INTO operations (id, started_at, body, version) VALUES (?, ?, ?, 1)")
      .run(id, startedAt, JSON.stringify(stored));
    return "1";
  }

  async get(id: string): Promise<VersionedOperation | undefined> {
    const row = this.#db.prepare("SELECT body, version FROM operations WHERE id = ?").get(id);
    return row === undefined ? undefined : versioned(row);
  }

  async list(limit: number): Promise<VersionedOperation[]> {
    return this.#db
      .prepare("SELECT body, version FROM operations ORDER BY started_at DESC, id DESC LIMIT ?")
      .all(limit)
      .map(versioned);
  }

  async replace(stored: StoredOperation, version: string): Promise<string | undefined> {
    const result = this.#db
      .prepare("UPDATE operations SET body = ?, version = version + 1 WHERE id = ? AND version = ?")
      .run(JSON.stringify(stored), stored.operation.id, Number(version));
    return Number(result.changes) === 1 ? String(Number(version) + 1) : undefined;
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}

function versioned(row: Record<string, unknown>): VersionedOperation {
  const body = JSON.parse(String(row.body)) as StoredOperation | ReplayOperation;
  // Before leases, the body was the operation itself.
  const stored = "operation" in body ? body : { operation: body };
  return { stored, version: String(row.version) };
}
