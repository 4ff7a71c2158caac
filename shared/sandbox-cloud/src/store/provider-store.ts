// What the sandbox knows about resource providers: namespaces registered or seen, and for each resource
// type (nested types as "a/b") the api-versions and locations it was created with. Cleanup code reads
// this to pick an api-version for deleting a type, as it would from Azure's provider metadata.
import type { DatabaseSync } from "node:sqlite";

export interface ProviderResourceType {
  resourceType: string;
  locations: string[];
  apiVersions: string[];
}

export interface ProviderRecord {
  namespace: string;
  resourceTypes: ProviderResourceType[];
}

export class ProviderStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  register(namespace: string): void {
    this.#db
      .prepare("INSERT OR IGNORE INTO providers (namespace_key, namespace) VALUES (?, ?)")
      .run(namespace.toLowerCase(), namespace);
  }

  recordType(namespace: string, resourceType: string, apiVersion: string, location?: string): void {
    this.register(namespace);
    const key = [namespace.toLowerCase(), resourceType.toLowerCase()] as const;
    const row = this.#db
      .prepare("SELECT body FROM provider_types WHERE namespace_key = ? AND type_key = ?")
      .get(...key) as { body: string } | undefined;
    const known: ProviderResourceType =
      row === undefined ? { resourceType, locations: [], apiVersions: [] } : JSON.parse(row.body);
    if (!known.apiVersions.includes(apiVersion)) {
      // Date-stamped versions sort newest first as text; a preview sorts just above its GA date.
      known.apiVersions = [...known.apiVersions, apiVersion].sort().reverse();
    }
    if (location !== undefined && !known.locations.some((l) => l.toLowerCase() === location.toLowerCase())) {
      known.locations = [...known.locations, location];
    }
    this.#db
      .prepare(
        "INSERT INTO provider_types (namespace_key, type_key, body) VALUES (?, ?, ?) " +
          "ON CONFLICT (namespace_key, type_key) DO UPDATE SET body = excluded.body",
      )
      .run(...key, JSON.stringify(known));
  }

  get(namespace: string): ProviderRecord | undefined {
    const row = this.#db
      .prepare("SELECT namespace FROM providers WHERE namespace_key = ?")
      .get(namespace.toLowerCase()) as { namespace: string } | undefined;
    if (row === undefined) return undefined;
    const types = this.#db
      .prepare("SELECT body FROM provider_types WHERE namespace_key = ? ORDER BY type_key")
      .all(namespace.toLowerCase())
      .map((r) => JSON.parse((r as { body: string }).body) as ProviderResourceType);
    return { namespace: row.namespace, resourceTypes: types };
  }

  list(): ProviderRecord[] {
    return this.#db
      .prepare("SELECT namespace FROM providers ORDER BY namespace_key")
      .all()
      .map((r) => this.get((r as { namespace: string }).namespace) as ProviderRecord);
  }
}
