// Durable message store on node:sqlite. Writes run at once inside a transaction that commits on the next
// turn of the event loop (group commit): one fsync covers every message accepted in that turn, which is
// what lets a durable broker keep thousands of messages per second on one disk.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { MessageChanges, MessageStore, StoredMessage } from "./message-store.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  queue TEXT NOT NULL,
  seq INTEGER NOT NULL,
  state TEXT NOT NULL,
  delivery_count INTEGER NOT NULL,
  enqueued_at INTEGER NOT NULL,
  scheduled_at INTEGER,
  expires_at INTEGER,
  dead_letter_source TEXT,
  annotations BLOB,
  bare BLOB NOT NULL,
  PRIMARY KEY (queue, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sequences (entity TEXT PRIMARY KEY, last INTEGER NOT NULL) WITHOUT ROWID;
`;

const UPDATABLE_COLUMNS = [
  ["state", "state"],
  ["deliveryCount", "delivery_count"],
  ["enqueuedAt", "enqueued_at"],
  ["bare", "bare"],
] as const satisfies ReadonlyArray<readonly [keyof MessageChanges, string]>;

interface Row {
  queue: string;
  seq: number;
  state: StoredMessage["state"];
  delivery_count: number;
  enqueued_at: number;
  scheduled_at: number | null;
  expires_at: number | null;
  dead_letter_source: string | null;
  annotations: Uint8Array | null;
  bare: Uint8Array;
}

export class SqliteStore implements MessageStore {
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #delete: StatementSync;
  readonly #saveSequence: StatementSync;
  #inTransaction = false;
  #waiting: Array<() => void> = [];

  constructor(directory: string) {
    mkdirSync(directory, { recursive: true });
    this.#db = new DatabaseSync(join(directory, "broker.sqlite"));
    // WAL + FULL: a commit returns only after the log is fsynced.
    this.#db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
    this.#db.exec(SCHEMA);
    this.#insert = this.#db.prepare(
      `INSERT OR REPLACE INTO messages (queue, seq, state, delivery_count, enqueued_at, scheduled_at, expires_at, dead_letter_source, annotations, bare)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#delete = this.#db.prepare("DELETE FROM messages WHERE queue = ? AND seq = ?");
    this.#saveSequence = this.#db.prepare(
      "INSERT INTO sequences (entity, last) VALUES (?, ?) ON CONFLICT (entity) DO UPDATE SET last = excluded.last",
    );
  }

  #begin(): void {
    if (this.#inTransaction) return;
    this.#db.exec("BEGIN");
    this.#inTransaction = true;
    setImmediate(() => this.#commit());
  }

  #commit(): void {
    if (this.#inTransaction) {
      this.#db.exec("COMMIT");
      this.#inTransaction = false;
    }
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const callback of waiting) callback();
  }

  insert(m: StoredMessage): void {
    this.#begin();
    this.#insert.run(
      m.queue,
      m.sequenceNumber,
      m.state,
      m.deliveryCount,
      m.enqueuedAt,
      m.scheduledAt ?? null,
      m.expiresAt ?? null,
      m.deadLetterSource ?? null,
      m.annotations ?? null,
      m.bare,
    );
  }

  update(queue: string, sequenceNumber: number, changes: MessageChanges): void {
    const columns: string[] = [];
    const values: Array<string | number | Uint8Array> = [];
    for (const [field, column] of UPDATABLE_COLUMNS) {
      const value = changes[field];
      if (value === undefined) continue;
      columns.push(`${column} = ?`);
      values.push(value);
    }
    if (columns.length === 0) return;
    this.#begin();
    // Only a handful of column combinations occur, and node:sqlite caches nothing itself; preparing here
    // keeps the code plain at a cost that only the rare update paths pay.
    this.#db
      .prepare(`UPDATE messages SET ${columns.join(", ")} WHERE queue = ? AND seq = ?`)
      .run(...values, queue, sequenceNumber);
  }

  delete(queue: string, sequenceNumber: number): void {
    this.#begin();
    this.#delete.run(queue, sequenceNumber);
  }

  saveSequence(entity: string, last: number): void {
    this.#begin();
    this.#saveSequence.run(entity, last);
  }

  whenDurable(callback: () => void): void {
    if (this.#inTransaction) this.#waiting.push(callback);
    else callback();
  }

  loadMessages(): StoredMessage[] {
    const rows = this.#db.prepare("SELECT * FROM messages ORDER BY queue, seq").all() as unknown as Row[];
    return rows.map((row) => ({
      queue: row.queue,
      sequenceNumber: row.seq,
      state: row.state,
      deliveryCount: row.delivery_count,
      enqueuedAt: row.enqueued_at,
      scheduledAt: row.scheduled_at ?? undefined,
      expiresAt: row.expires_at ?? undefined,
      deadLetterSource: row.dead_letter_source ?? undefined,
      annotations: row.annotations ? Buffer.from(row.annotations) : undefined,
      bare: Buffer.from(row.bare),
    }));
  }

  loadSequences(): Map<string, number> {
    const rows = this.#db.prepare("SELECT entity, last FROM sequences").all() as unknown as Array<{
      entity: string;
      last: number;
    }>;
    return new Map(rows.map((row) => [row.entity, row.last]));
  }

  close(): void {
    this.#commit();
    this.#db.close();
  }
}
