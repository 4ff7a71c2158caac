// The secrets of every sandbox vault, in the sandbox's database so a data directory keeps them across
// restarts. One row per version; a secret's current version is its newest row. A soft-deleted secret keeps
// its rows (so recover gives every version back) and gets a row in the deleted table, which is what holds
// its name until it is purged or recovered. Names compare case-insensitively and keep the casing of the
// first set, as Key Vault's do. A delete or purge that Key Vault has answered but not yet finished
// (realism.keyVaultOperationDelayMs) is a row in the settling table until its time has passed.
import type { DatabaseSync } from "node:sqlite";

export interface SecretVersion {
  /** The name as first set. */
  name: string;
  version: string;
  value: string;
  contentType: string | undefined;
  tags: Record<string, string> | undefined;
  enabled: boolean;
  /** Unix seconds, as Key Vault's attributes carry them. */
  notBefore: number | undefined;
  expires: number | undefined;
  created: number;
  updated: number;
}

export interface DeletedSecret {
  latest: SecretVersion;
  deletedDate: number;
  scheduledPurgeDate: number;
}

const schema = `
CREATE TABLE IF NOT EXISTS key_vault_secrets (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  vault_key TEXT NOT NULL,
  name_key TEXT NOT NULL,
  version TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS key_vault_secrets_by_name ON key_vault_secrets (vault_key, name_key);
CREATE TABLE IF NOT EXISTS key_vault_deleted_secrets (
  vault_key TEXT NOT NULL,
  name_key TEXT NOT NULL,
  deleted_date INTEGER NOT NULL,
  scheduled_purge_date INTEGER NOT NULL,
  PRIMARY KEY (vault_key, name_key)
);
CREATE TABLE IF NOT EXISTS key_vault_settling_secrets (
  vault_key TEXT NOT NULL,
  name_key TEXT NOT NULL,
  operation TEXT NOT NULL,
  settles_at_ms INTEGER NOT NULL,
  PRIMARY KEY (vault_key, name_key)
);
`;

/** A delete or a purge Key Vault has answered and not yet finished. */
export type SettlingOperation = "delete" | "purge";

export class VaultSecretStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    db.exec(schema);
  }

  add(vaultId: string, secret: SecretVersion): void {
    this.#db
      .prepare("INSERT INTO key_vault_secrets (vault_key, name_key, version, body) VALUES (?, ?, ?, ?)")
      .run(key(vaultId), key(secret.name), secret.version.toLowerCase(), JSON.stringify(secret));
  }

  /** Replaces a stored version's attributes (the value never changes). */
  replace(vaultId: string, secret: SecretVersion): void {
    this.#db
      .prepare("UPDATE key_vault_secrets SET body = ? WHERE vault_key = ? AND name_key = ? AND version = ?")
      .run(JSON.stringify(secret), key(vaultId), key(secret.name), secret.version.toLowerCase());
  }

  /** Every version of a live or deleted secret, oldest first. */
  versions(vaultId: string, name: string): SecretVersion[] {
    return rows(
      this.#db
        .prepare("SELECT body FROM key_vault_secrets WHERE vault_key = ? AND name_key = ? ORDER BY seq")
        .all(key(vaultId), key(name)),
    );
  }

  /** The newest version of a live (not deleted) secret. */
  latest(vaultId: string, name: string): SecretVersion | undefined {
    if (this.deleted(vaultId, name) !== undefined) return undefined;
    return this.versions(vaultId, name).at(-1);
  }

  version(vaultId: string, name: string, version: string): SecretVersion | undefined {
    if (this.deleted(vaultId, name) !== undefined) return undefined;
    return this.versions(vaultId, name).find((v) => v.version === version.toLowerCase());
  }

  /** The newest version of every live secret, by name. */
  listLatest(vaultId: string): SecretVersion[] {
    const all = rows(
      this.#db
        .prepare(
          "SELECT s.body FROM key_vault_secrets s WHERE s.vault_key = $v AND s.seq = " +
            "(SELECT MAX(seq) FROM key_vault_secrets WHERE vault_key = s.vault_key AND name_key = s.name_key) " +
            "AND NOT EXISTS (SELECT 1 FROM key_vault_deleted_secrets d WHERE d.vault_key = s.vault_key " +
            "AND d.name_key = s.name_key) ORDER BY s.name_key",
        )
        .all({ v: key(vaultId) }),
    );
    return all;
  }

  deleted(vaultId: string, name: string): DeletedSecret | undefined {
    const row = this.#db
      .prepare(
        "SELECT deleted_date, scheduled_purge_date FROM key_vault_deleted_secrets WHERE vault_key = ? AND name_key = ?",
      )
      .get(key(vaultId), key(name)) as { deleted_date: number; scheduled_purge_date: number } | undefined;
    const latest = this.versions(vaultId, name).at(-1);
    if (row === undefined || latest === undefined) return undefined;
    return { latest, deletedDate: row.deleted_date, scheduledPurgeDate: row.scheduled_purge_date };
  }

  listDeleted(vaultId: string): DeletedSecret[] {
    const names = this.#db
      .prepare("SELECT name_key FROM key_vault_deleted_secrets WHERE vault_key = ? ORDER BY name_key")
      .all(key(vaultId)) as { name_key: string }[];
    return names.flatMap(({ name_key }) => this.deleted(vaultId, name_key) ?? []);
  }

  /** Moves a secret to the deleted secrets, where it holds its name until purged or recovered. */
  softDelete(vaultId: string, name: string, deletedDate: number, scheduledPurgeDate: number): void {
    this.#db
      .prepare(
        "INSERT INTO key_vault_deleted_secrets (vault_key, name_key, deleted_date, scheduled_purge_date) VALUES (?, ?, ?, ?)",
      )
      .run(key(vaultId), key(name), deletedDate, scheduledPurgeDate);
  }

  recover(vaultId: string, name: string): void {
    this.#db
      .prepare("DELETE FROM key_vault_deleted_secrets WHERE vault_key = ? AND name_key = ?")
      .run(key(vaultId), key(name));
  }

  /** Removes a secret and every version of it for good. */
  purge(vaultId: string, name: string): void {
    this.recover(vaultId, name);
    this.#db
      .prepare("DELETE FROM key_vault_secrets WHERE vault_key = ? AND name_key = ?")
      .run(key(vaultId), key(name));
  }

  /** Deleted secrets whose retention has run out are purged by the service itself. */
  purgeExpired(vaultId: string, nowSeconds: number): void {
    const expired = this.#db
      .prepare(
        "SELECT name_key FROM key_vault_deleted_secrets WHERE vault_key = ? AND scheduled_purge_date <= ?",
      )
      .all(key(vaultId), nowSeconds) as { name_key: string }[];
    for (const { name_key } of expired) this.purge(vaultId, name_key);
  }

  /** Records that the delete or purge of a name just answered finishes only at `settlesAtMs`. */
  beginSettling(vaultId: string, name: string, operation: SettlingOperation, settlesAtMs: number): void {
    this.#db
      .prepare(
        "INSERT OR REPLACE INTO key_vault_settling_secrets (vault_key, name_key, operation, settles_at_ms) VALUES (?, ?, ?, ?)",
      )
      .run(key(vaultId), key(name), operation, settlesAtMs);
  }

  /** The delete or purge of the name still finishing, if any (after `settleDue`). */
  settling(vaultId: string, name: string): SettlingOperation | undefined {
    const row = this.#db
      .prepare("SELECT operation FROM key_vault_settling_secrets WHERE vault_key = ? AND name_key = ?")
      .get(key(vaultId), key(name)) as { operation: SettlingOperation } | undefined;
    return row?.operation;
  }

  /** Finishes every delete and purge whose time has come. */
  settleDue(vaultId: string, nowMs: number): void {
    this.#db
      .prepare("DELETE FROM key_vault_settling_secrets WHERE vault_key = ? AND settles_at_ms <= ?")
      .run(key(vaultId), nowMs);
  }

  /** Everything a vault held: what deleting the vault takes with it. */
  dropVault(vaultId: string): void {
    this.#db.prepare("DELETE FROM key_vault_settling_secrets WHERE vault_key = ?").run(key(vaultId));
    this.#db.prepare("DELETE FROM key_vault_deleted_secrets WHERE vault_key = ?").run(key(vaultId));
    this.#db.prepare("DELETE FROM key_vault_secrets WHERE vault_key = ?").run(key(vaultId));
  }
}

function key(text: string): string {
  return text.toLowerCase();
}

function rows(found: unknown[]): SecretVersion[] {
  return found.map((row) => JSON.parse((row as { body: string }).body) as SecretVersion);
}
