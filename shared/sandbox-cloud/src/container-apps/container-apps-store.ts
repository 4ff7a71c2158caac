// What the sandbox keeps about Container Apps jobs beside the job resource itself: each job's checked
// definition (its secret values included, which a GET of the job never shows), and every execution as ARM
// answers it, so a GET after the process has ended still answers. In the sandbox's database, so a sandbox
// reopened on the same data directory still lists past executions.
import type { DatabaseSync } from "node:sqlite";
import type { JobContainer } from "./containers.ts";
import type { JobDefinition } from "./job-definition.ts";

export type ExecutionStatus = "Running" | "Succeeded" | "Failed" | "Stopped";

export interface ContainerStatus {
  name: string;
  code?: number;
  status: string;
  additionalInformation?: string;
}

/** An execution exactly as `GET …/jobs/{job}/executions/{name}` answers it (api-version 2026-07-01). */
export interface ExecutionRecord {
  id: string;
  name: string;
  type: "Microsoft.App/jobs/executions";
  properties: {
    status: ExecutionStatus;
    startTime: string;
    endTime?: string;
    template: { containers: JobContainer[] };
    detailedStatus: { replicas: { name: string; containers: ContainerStatus[] }[] };
    reason?: string;
    message?: string;
  };
}

export class ContainerAppsStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    db.exec(`
      CREATE TABLE IF NOT EXISTS container_app_jobs (
        key TEXT PRIMARY KEY,
        definition TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS container_app_executions (
        key TEXT PRIMARY KEY,
        job_key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS container_app_executions_by_job ON container_app_executions (job_key, seq);
    `);
  }

  putDefinition(jobId: string, definition: JobDefinition): void {
    this.#db
      .prepare(
        "INSERT INTO container_app_jobs (key, definition) VALUES (?, ?) " +
          "ON CONFLICT (key) DO UPDATE SET definition = excluded.definition",
      )
      .run(key(jobId), JSON.stringify(definition));
  }

  definition(jobId: string): JobDefinition | undefined {
    const row = this.#db.prepare("SELECT definition FROM container_app_jobs WHERE key = ?").get(key(jobId)) as
      | { definition: string }
      | undefined;
    return row === undefined ? undefined : (JSON.parse(row.definition) as JobDefinition);
  }

  putExecution(jobId: string, execution: ExecutionRecord): void {
    this.#db
      .prepare(
        "INSERT INTO container_app_executions (key, job_key, seq, body) VALUES (?, ?, " +
          "(SELECT COALESCE(MAX(seq), 0) + 1 FROM container_app_executions), ?) " +
          "ON CONFLICT (key) DO UPDATE SET body = excluded.body",
      )
      .run(key(execution.id), key(jobId), JSON.stringify(execution));
  }

  execution(executionId: string): ExecutionRecord | undefined {
    const row = this.#db
      .prepare("SELECT body FROM container_app_executions WHERE key = ?")
      .get(key(executionId)) as { body: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.body) as ExecutionRecord);
  }

  /** A job's executions, newest first, `limit` from `offset`. */
  executions(jobId: string, offset: number, limit: number): ExecutionRecord[] {
    return this.#db
      .prepare(
        "SELECT body FROM container_app_executions WHERE job_key = ? ORDER BY seq DESC LIMIT ? OFFSET ?",
      )
      .all(key(jobId), limit, offset)
      .map((row) => JSON.parse((row as { body: string }).body) as ExecutionRecord);
  }

  /** Every execution recorded as running (at start-up: those a previous sandbox process left behind). */
  running(): ExecutionRecord[] {
    return this.#db
      .prepare("SELECT body FROM container_app_executions ORDER BY seq")
      .all()
      .map((row) => JSON.parse((row as { body: string }).body) as ExecutionRecord)
      .filter((execution) => execution.properties.status === "Running");
  }

  /** Forgets the jobs at or under `scope` (a job, or a group deleted with its jobs) and their executions. */
  deleteUnder(scope: string): string[] {
    const prefix = key(scope);
    const under = "(key = $p OR substr(key, 1, length($p) + 1) = $p || '/')";
    const jobs = this.#db
      .prepare(`SELECT key FROM container_app_jobs WHERE ${under}`)
      .all({ p: prefix })
      .map((row) => (row as { key: string }).key);
    this.#db.prepare(`DELETE FROM container_app_jobs WHERE ${under}`).run({ p: prefix });
    this.#db
      .prepare(
        "DELETE FROM container_app_executions WHERE job_key = $p OR substr(job_key, 1, length($p) + 1) = $p || '/'",
      )
      .run({ p: prefix });
    return jobs;
  }
}

function key(id: string): string {
  return id.toLowerCase();
}
