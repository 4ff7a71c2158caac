// Resource groups and resources as JSON bodies keyed by lower-cased id (ARM ids are case-insensitive
// but echo the casing they were created with). Children share their parent's id up to a `/`, which is how
// deleting a parent or a group takes its descendants with it: ids are built from segments that passed
// Azure's naming rules, so no name holds a `/` and "starts with `<id>/`" means "lies below <id>". The
// prefix is measured by SQLite's own length(), which counts characters as substr() does (JavaScript's
// length counts UTF-16 units, and group names may hold any Unicode letter).
import type { DatabaseSync } from "node:sqlite";

export interface ArmResource {
  id: string;
  name: string;
  type: string;
  location?: string;
  tags?: Record<string, string>;
  properties: Record<string, unknown>;
  [extra: string]: unknown;
}

export class ResourceStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  getGroup(groupId: string): ArmResource | undefined {
    const row = this.#db.prepare("SELECT body FROM resource_groups WHERE key = ?").get(key(groupId)) as
      | { body: string }
      | undefined;
    return row === undefined ? undefined : (JSON.parse(row.body) as ArmResource);
  }

  putGroup(group: ArmResource): void {
    this.#db
      .prepare(
        "INSERT INTO resource_groups (key, body) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET body = excluded.body",
      )
      .run(key(group.id), JSON.stringify(group));
  }

  /** Deletes the group and every resource in it. */
  deleteGroup(groupId: string): void {
    this.#db.prepare("DELETE FROM resources WHERE group_key = ?").run(key(groupId));
    this.#db.prepare("DELETE FROM resource_groups WHERE key = ?").run(key(groupId));
  }

  listGroups(subscriptionId: string): ArmResource[] {
    const prefix = key(`/subscriptions/${subscriptionId}/`);
    return parseRows(
      this.#db
        .prepare("SELECT body FROM resource_groups WHERE substr(key, 1, length($p)) = $p ORDER BY key")
        .all({ p: prefix }),
    );
  }

  get(resourceId: string): ArmResource | undefined {
    const row = this.#db.prepare("SELECT body FROM resources WHERE key = ?").get(key(resourceId)) as
      | { body: string }
      | undefined;
    return row === undefined ? undefined : (JSON.parse(row.body) as ArmResource);
  }

  put(groupId: string, resource: ArmResource): void {
    this.#db
      .prepare(
        "INSERT INTO resources (key, group_key, body) VALUES (?, ?, ?) " +
          "ON CONFLICT (key) DO UPDATE SET body = excluded.body",
      )
      .run(key(resource.id), key(groupId), JSON.stringify(resource));
  }

  /** Deletes the resource and its descendants; returns whether the resource itself existed. */
  deleteTree(resourceId: string): boolean {
    const k = key(resourceId);
    const existed = this.#db.prepare("DELETE FROM resources WHERE key = ?").run(k).changes > 0;
    const prefix = `${k}/`;
    this.#db.prepare("DELETE FROM resources WHERE substr(key, 1, length($p)) = $p").run({ p: prefix });
    return existed;
  }

  /** Every resource whose id starts with the scope: a group id or `/subscriptions/{id}`. */
  listUnder(scope: string): ArmResource[] {
    const prefix = `${key(scope)}/`;
    return parseRows(
      this.#db
        .prepare("SELECT body FROM resources WHERE substr(key, 1, length($p)) = $p ORDER BY key")
        .all({ p: prefix }),
    );
  }
}

function key(id: string): string {
  return id.toLowerCase();
}

function parseRows(rows: unknown[]): ArmResource[] {
  return rows.map((row) => JSON.parse((row as { body: string }).body) as ArmResource);
}
