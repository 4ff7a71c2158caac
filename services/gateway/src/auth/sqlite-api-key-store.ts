// The local adapter of the API key port: one SQLite file under the data directory (gateway-keys.sqlite),
// which every process on this machine that opens it shares.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import {
  type ApiKeyRecord,
  type ApiKeyStore,
  mintKey,
  parseKey,
  type Role,
  sameHash,
} from "./api-key-store.ts";

export const API_KEYS_FILE = "gateway-keys.sqlite";

const VERIFIED_KEPT = 1_000;

export class SqliteApiKeyStore implements ApiKeyStore {
  readonly #db: DatabaseSync;
  readonly #verifyStatement: StatementSync;
  readonly #dataVersion: StatementSync;
  /**
   * Keys verified since the file last changed (by id and secret hash, never the secret), so a request needs
   * no row read. SQLite's data_version moves whenever another connection commits, so a revocation by any
   * process sharing the file empties this before the next verify; this connection's own revoke drops its
   * entries itself.
   */
  readonly #verified = new Map<string, ApiKeyRecord>();
  #verifiedAt: unknown;

  constructor(location: string) {
    this.#db = new DatabaseSync(location);
    this.#db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;");
    this.#db.exec(
      "CREATE TABLE IF NOT EXISTS api_keys (id TEXT PRIMARY KEY, secret_hash BLOB NOT NULL, role TEXT NOT NULL, " +
        "name TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT)",
    );
    this.#verifyStatement = this.#db.prepare("SELECT * FROM api_keys WHERE id = ? AND revoked_at IS NULL");
    this.#dataVersion = this.#db.prepare("PRAGMA data_version");
  }

  static open(dataDirectory: string): SqliteApiKeyStore {
    mkdirSync(dataDirectory, { recursive: true, mode: 0o700 });
    return new SqliteApiKeyStore(join(dataDirectory, API_KEYS_FILE));
  }

  async create(role: Role, name: string): Promise<{ record: ApiKeyRecord; key: string }> {
    const { id, secretHash, key } = mintKey();
    const record: ApiKeyRecord = { id, name, role, createdAt: new Date().toISOString() };
    this.#db
      .prepare("INSERT INTO api_keys (id, secret_hash, role, name, created_at) VALUES (?, ?, ?, ?, ?)")
      .run(id, secretHash, role, name, record.createdAt);
    return { record, key };
  }

  async verify(key: string): Promise<ApiKeyRecord | undefined> {
    const presented = parseKey(key);
    if (presented === undefined) return undefined;
    const version = (this.#dataVersion.get() as { data_version: number }).data_version;
    if (version !== this.#verifiedAt) {
      this.#verified.clear();
      this.#verifiedAt = version;
    }
    const cacheKey = `${presented.id}:${presented.secretHash.toString("base64")}`;
    const cached = this.#verified.get(cacheKey);
    if (cached !== undefined) return cached;
    const row = this.#verifyStatement.get(presented.id) as
      | { secret_hash: Uint8Array; role: Role; name: string; created_at: string }
      | undefined;
    if (row === undefined || !sameHash(row.secret_hash, presented.secretHash)) return undefined;
    const record: ApiKeyRecord = {
      id: presented.id,
      name: row.name,
      role: row.role,
      createdAt: row.created_at,
    };
    if (this.#verified.size >= VERIFIED_KEPT) this.#verified.clear();
    this.#verified.set(cacheKey, record);
    return record;
  }

  async list(): Promise<ApiKeyRecord[]> {
    const rows = this.#db.prepare("SELECT * FROM api_keys ORDER BY created_at, rowid").all() as {
      id: string;
      role: Role;
      name: string;
      created_at: string;
      revoked_at: string | null;
    }[];
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      role: row.role,
      createdAt: row.created_at,
      ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
    }));
  }

  async revoke(id: string): Promise<boolean> {
    for (const cacheKey of this.#verified.keys())
      if (cacheKey.startsWith(`${id}:`)) this.#verified.delete(cacheKey);
    const result = this.#db
      .prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
      .run(new Date().toISOString(), id);
    return Number(result.changes) > 0;
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}
