// API keys for the gateway, stored hashed: a key is `hm_<id>_<secret>`; only the id and the SHA-256 of the
// secret are kept, so a copy of the database gives nobody a working key. Keys carry a role and can be
// revoked; the local adapter keeps them in SQLite under the data directory.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";

export const ROLES = ["reader", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Whether `held` allows what `needed` allows: admin ⊃ operator ⊃ reader. */
export function roleAllows(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  revokedAt?: string;
}

export interface ApiKeyStore {
  /** Creates a key; the returned `key` is the only time its secret is ever seen. */
  create(role: Role, name: string): Promise<{ record: ApiKeyRecord; key: string }>;
  /** The key's record when the key is genuine and not revoked. */
  verify(key: string): Promise<ApiKeyRecord | undefined>;
  list(): Promise<ApiKeyRecord[]>;
  /** False when there was no such live key. */
  revoke(id: string): Promise<boolean>;
  close(): void;
}

const KEY = /^hm_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
/**
 * How long a verified key is trusted without reading the store again. A revoke through this gateway takes
 * effect at once; one made by another process sharing the store, within this time.
 */
const VERIFIED_FOR_MS = 5_000;
const VERIFIED_KEPT = 1_000;

const hash = (secret: string) => createHash("sha256").update(secret).digest();

export const API_KEYS_FILE = "gateway-keys.sqlite";

export class SqliteApiKeyStore implements ApiKeyStore {
  readonly #db: DatabaseSync;
  #verifyStatement: StatementSync | undefined;
  /** Keys verified lately (by id and secret hash, never the secret), so each request needs no read. */
  readonly #verified = new Map<string, { record: ApiKeyRecord; until: number }>();

  constructor(location: string) {
    this.#db = new DatabaseSync(location);
    this.#db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;");
    this.#db.exec(
      "CREATE TABLE IF NOT EXISTS api_keys (id TEXT PRIMARY KEY, secret_hash BLOB NOT NULL, role TEXT NOT NULL, " +
        "name TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT)",
    );
  }

  static open(dataDirectory: string): SqliteApiKeyStore {
    mkdirSync(dataDirectory, { recursive: true, mode: 0o700 });
    return new SqliteApiKeyStore(join(dataDirectory, API_KEYS_FILE));
  }

  async create(role: Role, name: string): Promise<{ record: ApiKeyRecord; key: string }> {
    const id = randomBytes(6).toString("hex");
    const secret = randomBytes(32).toString("base64url");
    const record: ApiKeyRecord = { id, name, role, createdAt: new Date().toISOString() };
    this.#db
      .prepare("INSERT INTO api_keys (id, secret_hash, role, name, created_at) VALUES (?, ?, ?, ?, ?)")
      .run(id, hash(secret), role, name, record.createdAt);
    return { record, key: `hm_${id}_${secret}` };
  }

  async verify(key: string): Promise<ApiKeyRecord | undefined> {
    const match = KEY.exec(key);
    if (match === null) return undefined;
    const [, id, secret] = match as unknown as [string, string, string];
    const secretHash = hash(secret);
    const cacheKey = `${id}:${secretHash.toString("base64")}`;
    const cached = this.#verified.get(cacheKey);
    if (cached !== undefined && cached.until > Date.now()) return cached.record;
    this.#verifyStatement ??= this.#db.prepare("SELECT * FROM api_keys WHERE id = ? AND revoked_at IS NULL");
    const row = this.#verifyStatement.get(id) as
      | { secret_hash: Uint8Array; role: Role; name: string; created_at: string }
      | undefined;
    if (row === undefined || !timingSafeEqual(Buffer.from(row.secret_hash), secretHash)) {
      this.#verified.delete(cacheKey);
      return undefined;
    }
    const record: ApiKeyRecord = { id, name: row.name, role: row.role, createdAt: row.created_at };
    if (this.#verified.size >= VERIFIED_KEPT) this.#verified.clear();
    this.#verified.set(cacheKey, { record, until: Date.now() + VERIFIED_FOR_MS });
    return record;
  }

  async list(): Promise<ApiKeyRecord[]> {
    const rows = this.#db.prepare("SELECT * FROM api_keys ORDER BY created_at").all() as {
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
    this.#db.close();
  }
}
