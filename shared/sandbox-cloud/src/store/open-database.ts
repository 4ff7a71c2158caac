// The sandbox's state lives in one node:sqlite database: in memory for tests, a file under the data
// directory when the local stack wants it to survive restarts.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

const schema = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS principals (
  client_id TEXT PRIMARY KEY,
  secret TEXT NOT NULL,
  scopes TEXT NOT NULL,
  directory_writer INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS tokens (
  token TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  audience TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_by_client ON tokens (client_id);
CREATE TABLE IF NOT EXISTS resource_groups (
  key TEXT PRIMARY KEY,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS resources (
  key TEXT PRIMARY KEY,
  group_key TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS resources_by_group ON resources (group_key);
CREATE TABLE IF NOT EXISTS operations (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  -- Set when the operation's result is a resource (a create answered 202 + Location).
  resource_id TEXT
);
CREATE TABLE IF NOT EXISTS activity (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_timestamp TEXT NOT NULL,
  subscription_id TEXT,
  group_key TEXT,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS activity_by_time ON activity (event_timestamp);
CREATE TABLE IF NOT EXISTS applications (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS password_credentials (
  key_id TEXT PRIMARY KEY,
  application_id TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  start_at TEXT NOT NULL,
  end_at TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passwords_by_application ON password_credentials (application_id);
CREATE TABLE IF NOT EXISTS service_principals (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS role_assignments (
  key TEXT PRIMARY KEY,
  scope_key TEXT NOT NULL,
  principal_id TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS role_assignments_by_principal ON role_assignments (principal_id);
CREATE TABLE IF NOT EXISTS providers (
  namespace_key TEXT PRIMARY KEY,
  namespace TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS provider_types (
  namespace_key TEXT NOT NULL,
  type_key TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (namespace_key, type_key)
);
CREATE TABLE IF NOT EXISTS directory_audits (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  activity_time TEXT NOT NULL,
  body TEXT NOT NULL
);
`;

export function openDatabase(dataDirectory?: string): DatabaseSync {
  let path = ":memory:";
  if (dataDirectory !== undefined) {
    mkdirSync(dataDirectory, { recursive: true, mode: 0o700 });
    path = join(dataDirectory, "sandbox-cloud.sqlite");
  }
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL;");
  migrate(db);
  db.exec(schema);
  return db;
}

// Data directories written by earlier versions lack later columns. Tokens live an hour and carry no
// audience in the old shape, so that table is simply recreated rather than back-filled.
function migrate(db: DatabaseSync): void {
  if (tableExists(db, "tokens") && !columnExists(db, "tokens", "audience")) db.exec("DROP TABLE tokens;");
  if (tableExists(db, "principals") && !columnExists(db, "principals", "directory_writer")) {
    db.exec("ALTER TABLE principals ADD COLUMN directory_writer INTEGER NOT NULL DEFAULT 0;");
  }
  if (tableExists(db, "operations") && !columnExists(db, "operations", "resource_id")) {
    db.exec("ALTER TABLE operations ADD COLUMN resource_id TEXT;");
  }
}

function tableExists(db: DatabaseSync, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
}

function columnExists(db: DatabaseSync, table: string, column: string): boolean {
  const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  return columns.some((c) => c.name === column);
}
