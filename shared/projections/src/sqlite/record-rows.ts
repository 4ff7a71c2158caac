// Loading what an event's projection reads and saving what it writes, inside the caller's transaction.
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import type { ProjectionReads, ProjectionWrites, ReadPlan } from "../projecting/read-plan.ts";
import type { ResourceRecord } from "../records.ts";

/** Prepared statements by SQL text: preparing once per connection is cheaper than once per call. */
export class Statements {
  readonly #db: DatabaseSync;
  readonly #cache = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  get(sql: string): StatementSync {
    let statement = this.#cache.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#cache.set(sql, statement);
    }
    return statement;
  }

  /** The JSON bodies of the rows `sql` selects (its first column must be `body`). */
  bodies<T>(sql: string, ...parameters: SQLInputValue[]): T[] {
    return this.get(sql)
      .all(...parameters)
      .map((row) => JSON.parse(String(row.body)) as T);
  }

  body<T>(sql: string, ...parameters: SQLInputValue[]): T | undefined {
    const row = this.get(sql).get(...parameters);
    return row === undefined ? undefined : (JSON.parse(String(row.body)) as T);
  }
}

export function loadReads(statements: Statements, plan: ReadPlan): ProjectionReads {
  const { runId, agentId } = plan;
  const resources = new Map<string, ResourceRecord>();
  const addResources = (found: ResourceRecord[]) => {
    for (const resource of found) resources.set(resource.id, resource);
  };
  if (agentId !== undefined && plan.allResourcesOfAgent) {
    addResources(
      statements.bodies("SELECT body FROM resources WHERE run_id = ? AND agent_id = ?", runId, agentId),
    );
  }
  for (const id of plan.resourceIds) {
    if (resources.has(id)) continue;
    addResources(statements.bodies("SELECT body FROM resources WHERE run_id = ? AND id = ?", runId, id));
  }
  return {
    ...(plan.cleanupId === undefined
      ? {}
      : { cleanup: statements.body("SELECT body FROM cleanups WHERE cleanup_id = ?", plan.cleanupId) }),
    execution: statements.body("SELECT body FROM executions WHERE run_id = ?", runId),
    agent:
      agentId === undefined
        ? undefined
        : statements.body("SELECT body FROM agents WHERE run_id = ? AND agent_id = ?", runId, agentId),
    identity:
      agentId === undefined || !plan.identity
        ? undefined
        : statements.body("SELECT body FROM identities WHERE run_id = ? AND agent_id = ?", runId, agentId),
    resources,
  };
}

export function saveWrites(statements: Statements, writes: ProjectionWrites): void {
  const { execution, agent, identity, cleanup } = writes;
  if (cleanup) {
    statements
      .get(
        `INSERT INTO cleanups (cleanup_id, body) VALUES (?, ?)
         ON CONFLICT (cleanup_id) DO UPDATE SET body = excluded.body`,
      )
      .run(cleanup.cleanupId, JSON.stringify(cleanup));
  }
  if (execution) {
    statements
      .get(
        `INSERT INTO executions (run_id, status, sort_at, body) VALUES (?, ?, ?, ?)
         ON CONFLICT (run_id) DO UPDATE SET status = excluded.status, sort_at = excluded.sort_at, body = excluded.body`,
      )
      .run(execution.runId, execution.status, execution.sortAt, JSON.stringify(execution));
  }
  if (agent) {
    statements
      .get(
        `INSERT INTO agents (run_id, agent_id, scenario_id, stage, body) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (run_id, agent_id) DO UPDATE SET
           scenario_id = excluded.scenario_id, stage = excluded.stage, body = excluded.body`,
      )
      .run(agent.runId, agent.agentId, agent.scenarioId, agent.stage, JSON.stringify(agent));
  }
  if (identity) {
    statements
      .get(
        `INSERT INTO identities (run_id, agent_id, body) VALUES (?, ?, ?)
         ON CONFLICT (run_id, agent_id) DO UPDATE SET body = excluded.body`,
      )
      .run(identity.runId, identity.agentId, JSON.stringify(identity));
  }
  const saveResource = statements.get(
    `INSERT INTO resources (run_id, id, agent_id, scenario_id, type, status, resource_key, body)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, id) DO UPDATE SET
       agent_id = excluded.agent_id, scenario_id = excluded.scenario_id, type = excluded.type,
       status = excluded.status, resource_key = excluded.resource_key, body = excluded.body`,
  );
  for (const resource of writes.resources) {
    saveResource.run(
      resource.runId,
      resource.id,
      resource.agentId,
      resource.scenarioId,
      resource.type,
      resource.status,
      resource.resourceId.toLowerCase(),
      JSON.stringify(resource),
    );
  }
  const saveLog = statements.get(
    "INSERT INTO logs (run_id, agent_id, sequence, at, body) VALUES (?, ?, ?, ?, ?)",
  );
  for (const log of writes.logs) {
    saveLog.run(log.runId, log.agentId, log.sequence, log.at, JSON.stringify(log));
  }
}
