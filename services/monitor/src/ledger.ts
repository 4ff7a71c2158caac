// What monitor remembers between messages: which runs were cancelled, when it first asked each agent to stop,
// and which checks it has already handled. Everything else travels in the check messages themselves.
// Locally a SQLite file under the data directory; in Azure the state container in Cosmos DB
// (cosmos-ledger.ts), since a Container Apps job has no disk that outlives it. ledger-from-env.ts chooses.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

export interface CancelledRun {
  runId: string;
  cancelledAt: string;
  requestedBy: string;
  reason?: string;
}

export interface MonitorLedger {
  /** Records the run as cancelled. The first request wins; repeating it changes nothing. */
  cancelRun(cancel: CancelledRun): Promise<void>;
  cancelledRun(runId: string): Promise<CancelledRun | undefined>;
  /** Records that monitor asked the agent to stop, unless it already had; returns when it first asked. */
  recordStopRequest(runtimeRef: string, at: Date): Promise<Date>;
  stopRequestedAt(runtimeRef: string): Promise<Date | undefined>;
  /**
   * Checks already handled, so a redelivered check does not fork a second chain of checks. Marked only once
   * the check's own effects are out, so a crash in between redoes them (same event ids) instead of losing them.
   */
  checkHandled(eventId: string): Promise<boolean>;
  markCheckHandled(eventId: string, at: Date): Promise<void>;
}

/** Nothing older than a pipeline message's time to live (P14D) can still matter. */
export const RETENTION_MS = 14 * 24 * 3600 * 1000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS cancelled_runs (
  run_id TEXT PRIMARY KEY,
  cancelled_at TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  reason TEXT
);
CREATE TABLE IF NOT EXISTS stop_requests (
  runtime_ref TEXT PRIMARY KEY,
  requested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS handled_checks (
  event_id TEXT PRIMARY KEY,
  handled_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS handled_checks_by_time ON handled_checks (handled_at);
`;

export const LEDGER_FILE = "monitor.sqlite";

export class SqliteMonitorLedger implements MonitorLedger {
  readonly #db: DatabaseSync;

  /** `<dataDirectory>/monitor.sqlite`, or in memory when no directory is given. */
  constructor(dataDirectory?: string) {
    let path = ":memory:";
    if (dataDirectory !== undefined) {
      mkdirSync(dataDirectory, { recursive: true, mode: 0o700 });
      path = join(dataDirectory, LEDGER_FILE);
    }
    this.#db = new DatabaseSync(path);
    // Several monitor processes may share the file: WAL lets readers on while one writes, and a writer waits
    // for another rather than failing.
    this.#db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;");
    this.#db.exec(SCHEMA);
  }

  async cancelRun(cancel: CancelledRun): Promise<void> {
    this.#db
      .prepare(
        "INSERT INTO cancelled_runs (run_id, cancelled_at, requested_by, reason) VALUES (?, ?, ?, ?) " +
          "ON CONFLICT (run_id) DO NOTHING",
      )
      .run(cancel.runId, cancel.cancelledAt, cancel.requestedBy, cancel.reason ?? null);
  }

  async cancelledRun(runId: string): Promise<CancelledRun | undefined> {
    const row = this.#db
      .prepare("SELECT run_id, cancelled_at, requested_by, reason FROM cancelled_runs WHERE run_id = ?")
      .get(runId) as
      | { run_id: string; cancelled_at: string; requested_by: string; reason: string | null }
      | undefined;
    if (row === undefined) return undefined;
    return {
      runId: row.run_id,
      cancelledAt: row.cancelled_at,
      requestedBy: row.requested_by,
      ...(row.reason === null ? {} : { reason: row.reason }),
    };
  }

  async recordStopRequest(runtimeRef: string, at: Date): Promise<Date> {
    this.#db
      .prepare(
        "INSERT INTO stop_requests (runtime_ref, requested_at) VALUES (?, ?) ON CONFLICT (runtime_ref) DO NOTHING",
      )
      .run(runtimeRef, at.toISOString());
    return (await this.stopRequestedAt(runtimeRef)) ?? at;
  }

  async stopRequestedAt(runtimeRef: string): Promise<Date | undefined> {
    const row = this.#db
      .prepare("SELECT requested_at FROM stop_requests WHERE runtime_ref = ?")
      .get(runtimeRef) as { requested_at: string } | undefined;
    return row === undefined ? undefined : new Date(row.requested_at);
  }

  async checkHandled(eventId: string): Promise<boolean> {
    return this.#db.prepare("SELECT 1 FROM handled_checks WHERE event_id = ?").get(eventId) !== undefined;
  }

  async markCheckHandled(eventId: string, at: Date): Promise<void> {
    this.#db
      .prepare(
        "INSERT INTO handled_checks (event_id, handled_at) VALUES (?, ?) ON CONFLICT (event_id) DO NOTHING",
      )
      .run(eventId, at.toISOString());
    this.#prune(new Date(at.getTime() - RETENTION_MS).toISOString());
  }

  close(): void {
    this.#db.close();
  }

  // Timestamps are all toISOString(), so text order is time order.
  #prune(before: string): void {
    this.#db.prepare("DELETE FROM handled_checks WHERE handled_at < ?").run(before);
    this.#db.prepare("DELETE FROM stop_requests WHERE requested_at < ?").run(before);
    this.#db.prepare("DELETE FROM cancelled_runs WHERE cancelled_at < ?").run(before);
  }
}
