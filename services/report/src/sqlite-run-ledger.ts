// The run ledger in a node:sqlite file under the data directory. WAL lets readers work while another
// connection writes; the busy timeout makes a second process wait for the write lock instead of failing.
// Each record is a BEGIN IMMEDIATE transaction: it takes the write lock before reading the count, so
// connections in other processes serialise on it too.
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { AgentCleanedData } from "@haymaker/contracts";
import type { CleanedAgent, RunFailure, RunLedger } from "./run-ledger.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS cleaned_agents (
  run_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  cleaned_at TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (run_id, agent_id)
);
CREATE TABLE IF NOT EXISTS run_failures (
  run_id TEXT PRIMARY KEY,
  phase TEXT NOT NULL,
  reason TEXT NOT NULL,
  failed_at TEXT NOT NULL
);
`;

const BUSY_TIMEOUT_MS = 10_000;

export const LEDGER_FILE = "report.sqlite";

export class SqliteRunLedger implements RunLedger {
  readonly #db: DatabaseSync;

  /** Opens (creating if need be) `<dataDirectory>/report.sqlite`. */
  static inDataDirectory(dataDirectory: string): SqliteRunLedger {
    return new SqliteRunLedger(join(dataDirectory, LEDGER_FILE));
  }

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    this.#db = new DatabaseSync(file);
    this.#db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS};`);
    this.#db.exec("PRAGMA journal_mode = WAL;");
    this.#db.exec(SCHEMA);
  }

  async recordCleaned(agent: CleanedAgent): Promise<number> {
    const { runId, agentId } = agent.data;
    return this.#transaction(() => {
      this.#db
        .prepare(
          "INSERT INTO cleaned_agents (run_id, agent_id, cleaned_at, data) VALUES (?, ?, ?, ?) " +
            "ON CONFLICT (run_id, agent_id) DO NOTHING",
        )
        .run(runId, agentId, agent.cleanedAt, JSON.stringify(agent.data));
      const row = this.#db
        .prepare("SELECT COUNT(*) AS recorded FROM cleaned_agents WHERE run_id = ?")
        .get(runId);
      return Number((row as { recorded: number | bigint }).recorded);
    });
  }

  async cleanedAgents(runId: string): Promise<CleanedAgent[]> {
    const rows = this.#db
      .prepare("SELECT cleaned_at, data FROM cleaned_agents WHERE run_id = ? ORDER BY agent_id")
      .all(runId) as { cleaned_at: string; data: string }[];
    // Written from validated events by this class only, so read back as such.
    return rows.map((row) => ({ data: JSON.parse(row.data) as AgentCleanedData, cleanedAt: row.cleaned_at }));
  }

  async recordFailure(runId: string, failure: RunFailure): Promise<void> {
    this.#db
      .prepare(
        "INSERT INTO run_failures (run_id, phase, reason, failed_at) VALUES (?, ?, ?, ?) " +
          "ON CONFLICT (run_id) DO NOTHING",
      )
      .run(runId, failure.phase, failure.reason, failure.failedAt);
  }

  async failureOf(runId: string): Promise<RunFailure | undefined> {
    const row = this.#db
      .prepare("SELECT phase, reason, failed_at FROM run_failures WHERE run_id = ?")
      .get(runId) as { phase: RunFailure["phase"]; reason: string; failed_at: string } | undefined;
    return row === undefined ? undefined : { phase: row.phase, reason: row.reason, failedAt: row.failed_at };
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  #transaction<T>(work: () => T): T {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const result = work();
      this.#db.exec("COMMIT");
      return result;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }
}
