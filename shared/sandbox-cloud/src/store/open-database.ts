// The sandbox's state lives in one node:sqlite database: in memory for tests, a file under the data
// directory when the local stack wants it to survive restarts.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

const schema = `
CREATE TABLE IF NOT EXISTS principals (
  client_id TEXT PRIMARY KEY,
  secret TEXT NOT NULL,
  scopes TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
  token TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
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
  status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS activity (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_timestamp TEXT NOT NULL,
  subscription_id TEXT,
  group_key TEXT,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS activity_by_time ON activity (event_timestamp);
`;

export function openDatabase(dataDirectory?: string): DatabaseSync {
  let path = ":memory:";
  if (dataDirectory !== undefined) {
    mkdirSync(dataDirectory, { recursive: true, mode: 0o700 });
    path = join(dataDirectory, "sandbox-cloud.sqlite");
  }
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL;");
  db.exec(schema);
  return db;
}
