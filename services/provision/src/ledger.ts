// What provision remembers between deliveries: the identity.provisioned it made for each agent, recorded
// before it is published. Finding the cloud's things by name makes a repeat reuse them only while they
// exist; once cleanup has deleted them, only this record tells a late repeat (a delivery whose completion
// was lost with a crashed process, a run.validated redelivered upstream) from an agent never provisioned.
// Locally a SQLite file under the data directory; in Azure the state container in Cosmos DB
// (cosmos-ledger.ts), shared by every job execution. ledger-from-env.ts chooses.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { type EventOf, parseEvent } from "@haymaker/contracts";

type Provisioned = EventOf<"identity.provisioned">;

export interface ProvisionLedger {
  /** The identity.provisioned recorded for the agent, if provision has provisioned it before. */
  provisioned(runId: string, agentId: string): Promise<Provisioned | undefined>;
  /** Records the agent's identity.provisioned; the first record stands and is what is returned. */
  record(event: Provisioned): Promise<Provisioned>;
}

/** A repeat cannot arrive after a pipeline message's time to live (P14D). */
export const RETENTION_MS = 14 * 24 * 3600 * 1000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS provisioned_agents (
  run_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  event TEXT NOT NULL,
  PRIMARY KEY (run_id, agent_id)
);
CREATE INDEX IF NOT EXISTS provisioned_agents_by_time ON provisioned_agents (recorded_at);
`;

export const LEDGER_FILE = "provision.sqlite";

export class SqliteProvisionLedger implements ProvisionLedger {
  readonly #db: DatabaseSync;
  readonly #now: () => Date;

  /** `<dataDirectory>/provision.sqlite`, or in memory when no directory is given. */
  constructor(dataDirectory?: string, now: () => Date = () => new Date()) {
    let path = ":memory:";
    if (dataDirectory !== undefined) {
      mkdirSync(dataDirectory, { recursive: true, mode: 0o700 });
      path = join(dataDirectory, LEDGER_FILE);
    }
    this.#db = new DatabaseSync(path);
    this.#now = now;
    // Several provision processes may share the file: WAL lets readers on while one writes, and a writer
    // waits for another rather than failing.
    this.#db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;");
    this.#db.exec(SCHEMA);
  }

  async provisioned(runId: string, agentId: string): Promise<Provisioned | undefined> {
    const row = this.#db
      .prepare("SELECT event FROM provisioned_agents WHERE run_id = ? AND agent_id = ?")
      .get(runId, agentId) as { event: string } | undefined;
    return row === undefined ? undefined : (parseEvent(JSON.parse(row.event)) as Provisioned);
  }

  async record(event: Provisioned): Promise<Provisioned> {
    const at = this.#now();
    const { runId, agentId } = event.data;
    this.#db
      .prepare(
        "INSERT INTO provisioned_agents (run_id, agent_id, recorded_at, event) VALUES (?, ?, ?, ?) " +
          "ON CONFLICT (run_id, agent_id) DO NOTHING",
      )
      .run(runId, agentId, at.toISOString(), JSON.stringify(event));
    // Timestamps are all toISOString(), so text order is time order.
    this.#db
      .prepare("DELETE FROM provisioned_agents WHERE recorded_at < ?")
      .run(new Date(at.getTime() - RETENTION_MS).toISOString());
    return (await this.provisioned(runId, agentId)) ?? event;
  }

  close(): void {
    this.#db.close();
  }
}
