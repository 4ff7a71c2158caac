// When each new directory object (application, service principal, client secret) was written, to the
// millisecond, so the sandbox can answer as a replica that has not seen it yet (realism.replicationDelayMs).
// Graph's createdDateTime has whole seconds only, and a client secret's startDateTime is the caller's to
// choose, so neither can say when the sandbox wrote the object. Kept in the database so a restarted sandbox
// on the same data directory still knows what is young. With no delay nothing is written or read.
import type { DatabaseSync } from "node:sqlite";

export type ReplicatedKind = "application" | "servicePrincipal" | "password";

export class Replication {
  readonly delayMs: number;
  readonly #db: DatabaseSync;
  readonly #now: () => number;

  constructor(db: DatabaseSync, delayMs: number, now: () => number = Date.now) {
    this.#db = db;
    this.delayMs = delayMs;
    this.#now = now;
    db.exec("CREATE TABLE IF NOT EXISTS replication (key TEXT PRIMARY KEY, written_at INTEGER NOT NULL);");
  }

  /** Notes that the object was written just now. */
  written(kind: ReplicatedKind, id: string): void {
    if (this.delayMs === 0) return;
    const now = this.#now();
    // Anything older than the delay is seen everywhere and needs no record.
    this.#db.prepare("DELETE FROM replication WHERE written_at < ?").run(now - this.delayMs);
    this.#db
      .prepare("INSERT OR REPLACE INTO replication (key, written_at) VALUES (?, ?)")
      .run(key(kind, id), now);
  }

  /** Whether the object was written less than the delay ago: most replicas have not seen it yet. */
  pending(kind: ReplicatedKind, id: string): boolean {
    if (this.delayMs === 0) return false;
    const row = this.#db.prepare("SELECT written_at FROM replication WHERE key = ?").get(key(kind, id)) as
      | { written_at: number }
      | undefined;
    return row !== undefined && this.pendingSince(row.written_at);
  }

  /** Whether something written at `writtenAtMs` (epoch ms) is still inside the delay. */
  pendingSince(writtenAtMs: number): boolean {
    return this.delayMs > 0 && this.#now() - writtenAtMs < this.delayMs;
  }
}

function key(kind: ReplicatedKind, id: string): string {
  return `${kind}:${id.toLowerCase()}`;
}
