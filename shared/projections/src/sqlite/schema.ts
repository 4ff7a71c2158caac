// The SQLite file's layout: one table per projection, each row a record's JSON (body) beside the columns
// its lists filter and order by. The same shape as the Cosmos DB documents, so both adapters hold the
// same records; SQL only decides which rows to read.
import type { DatabaseSync } from "node:sqlite";

export const SCHEMA_VERSION = 1;

const TABLES = `
CREATE TABLE IF NOT EXISTS executions (
  run_id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  sort_at TEXT NOT NULL,
  body TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS executions_newest_first ON executions (sort_at DESC, run_id DESC);

CREATE TABLE IF NOT EXISTS agents (
  run_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  scenario_id TEXT NOT NULL,
  stage TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (run_id, agent_id)
) STRICT;
CREATE INDEX IF NOT EXISTS agents_by_scenario ON agents (scenario_id, run_id, agent_id);
CREATE INDEX IF NOT EXISTS agents_by_stage ON agents (stage, run_id, agent_id);

CREATE TABLE IF NOT EXISTS resources (
  run_id TEXT NOT NULL,
  id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  scenario_id TEXT NOT NULL,
  type TEXT NOT NULL COLLATE NOCASE,
  status TEXT NOT NULL,
  resource_key TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (run_id, id)
) STRICT;
CREATE INDEX IF NOT EXISTS resources_by_id ON resources (id);
CREATE INDEX IF NOT EXISTS resources_in_order ON resources (run_id, agent_id, resource_key);

CREATE TABLE IF NOT EXISTS identities (
  run_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (run_id, agent_id)
) STRICT;

CREATE TABLE IF NOT EXISTS logs (
  run_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  at TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (run_id, agent_id, sequence)
) STRICT;
CREATE INDEX IF NOT EXISTS logs_in_order ON logs (run_id, agent_id, at, sequence);

CREATE TABLE IF NOT EXISTS run_events (
  run_id TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (run_id, sequence)
) STRICT;

CREATE TABLE IF NOT EXISTS cleanups (
  cleanup_id TEXT PRIMARY KEY,
  body TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS processed_events (
  event_id TEXT PRIMARY KEY,
  event_type TEXT NOT NULL,
  run_id TEXT NOT NULL,
  applied_at TEXT NOT NULL
) STRICT;
`;

/**
 * Settings for a file that the projector writes while the gateway reads it from another process: WAL lets
 * readers go on while a write commits; the busy timeout makes a second writer wait instead of failing; a
 * full sync means an event whose message was completed on the bus is on disk, since the bus will not
 * deliver it again.
 */
export function prepareDatabase(db: DatabaseSync, inMemory: boolean): void {
  db.exec("PRAGMA busy_timeout = 5000");
  if (!inMemory) db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("BEGIN IMMEDIATE");
  try {
    const { user_version: version } = db.prepare("PRAGMA user_version").get() as { user_version: number };
    if (version > SCHEMA_VERSION) {
      throw new Error(
        `the projections database has schema version ${version}, newer than this HayMaker knows (${SCHEMA_VERSION}); upgrade HayMaker or use another data directory`,
      );
    }
    db.exec(TABLES);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}
