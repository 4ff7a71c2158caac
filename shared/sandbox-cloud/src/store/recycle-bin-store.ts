// Entra's deleted items container and its creator quota (realism.directoryObjectQuota): who created each
// application and service principal, and the ones deleted but not yet permanently deleted. A creator's
// count is its live objects plus its soft-deleted ones, as Entra counts them, until a permanent delete
// (DELETE /directory/deletedItems/{id}) frees the slot.
import type { DatabaseSync } from "node:sqlite";
import { graphTime } from "./application-store.ts";

export type DirectoryObjectKind = "application" | "servicePrincipal";

export interface DeletedItem {
  id: string;
  kind: DirectoryObjectKind;
  /** The object as Graph returns it from deletedItems: its last state, `deletedDateTime` set. */
  body: Record<string, unknown>;
}

export class RecycleBinStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    db.exec(`
CREATE TABLE IF NOT EXISTS directory_object_creators (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  creator TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS directory_objects_by_creator ON directory_object_creators (creator);
CREATE TABLE IF NOT EXISTS deleted_items (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  body TEXT NOT NULL
);`);
  }

  /** Counts a new object against its creator (a client id, or a service principal's object id). */
  created(kind: DirectoryObjectKind, id: string, creator: string): void {
    this.#db
      .prepare("INSERT OR REPLACE INTO directory_object_creators (id, kind, creator) VALUES (?, ?, ?)")
      .run(id.toLowerCase(), kind, creator.toLowerCase());
  }

  /** The creator's live and soft-deleted objects. */
  usedBy(creator: string): number {
    const row = this.#db
      .prepare("SELECT count(*) AS n FROM directory_object_creators WHERE creator = ?")
      .get(creator.toLowerCase()) as { n: number };
    return row.n;
  }

  /** Keeps a deleted object restorable; it still counts toward its creator's quota. */
  recycle(kind: DirectoryObjectKind, id: string, body: Record<string, unknown>, now = new Date()): void {
    const deleted = { ...body, deletedDateTime: graphTime(now) };
    this.#db
      .prepare("INSERT OR REPLACE INTO deleted_items (id, kind, body) VALUES (?, ?, ?)")
      .run(id.toLowerCase(), kind, JSON.stringify(deleted));
  }

  get(id: string): DeletedItem | undefined {
    const row = this.#db
      .prepare("SELECT id, kind, body FROM deleted_items WHERE id = ?")
      .get(id.toLowerCase()) as { id: string; kind: DirectoryObjectKind; body: string } | undefined;
    return row === undefined ? undefined : { id: row.id, kind: row.kind, body: JSON.parse(row.body) };
  }

  list(kind: DirectoryObjectKind): DeletedItem[] {
    const rows = this.#db
      .prepare("SELECT id, kind, body FROM deleted_items WHERE kind = ? ORDER BY rowid")
      .all(kind) as { id: string; kind: DirectoryObjectKind; body: string }[];
    return rows.map((row) => ({ id: row.id, kind: row.kind, body: JSON.parse(row.body) }));
  }

  /** Permanently deletes a soft-deleted object, freeing its creator's slot; false if it is not there. */
  purge(id: string): boolean {
    const removed = this.#db.prepare("DELETE FROM deleted_items WHERE id = ?").run(id.toLowerCase());
    if (removed.changes === 0) return false;
    this.forget(id);
    return true;
  }

  /** The object is gone for good (deleted with no recycle bin, or purged): it no longer counts. */
  forget(id: string): void {
    this.#db.prepare("DELETE FROM directory_object_creators WHERE id = ?").run(id.toLowerCase());
  }
}
