// ARM role assignments, keyed by lower-cased id. The scope is kept beside the body so "everything under a
// deleted group" is one query on whole segments (see resource-store.ts for why a `/`-ended prefix is one).
import type { DatabaseSync } from "node:sqlite";

export interface RoleAssignment {
  id: string;
  name: string;
  type: "Microsoft.Authorization/roleAssignments";
  properties: {
    roleDefinitionId: string;
    principalId: string;
    principalType: string;
    scope: string;
    condition: null;
    conditionVersion: null;
    description: string | null;
    delegatedManagedIdentityResourceId: null;
    createdOn: string;
    updatedOn: string;
    createdBy: string | null;
    updatedBy: string | null;
  };
}

export class RoleAssignmentStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  get(id: string): RoleAssignment | undefined {
    const row = this.#db.prepare("SELECT body FROM role_assignments WHERE key = ?").get(id.toLowerCase());
    return row === undefined ? undefined : (JSON.parse((row as { body: string }).body) as RoleAssignment);
  }

  put(assignment: RoleAssignment): void {
    this.#db
      .prepare(
        "INSERT INTO role_assignments (key, scope_key, principal_id, body) VALUES (?, ?, ?, ?) " +
          "ON CONFLICT (key) DO UPDATE SET body = excluded.body",
      )
      .run(
        assignment.id.toLowerCase(),
        assignment.properties.scope.toLowerCase(),
        assignment.properties.principalId.toLowerCase(),
        JSON.stringify(assignment),
      );
  }

  delete(id: string): boolean {
    return this.#db.prepare("DELETE FROM role_assignments WHERE key = ?").run(id.toLowerCase()).changes > 0;
  }

  /** Removes the assignments at a scope and below it: what deleting a group or resource does in ARM. */
  deleteUnder(scope: string): void {
    const s = scope.toLowerCase();
    this.#db
      .prepare("DELETE FROM role_assignments WHERE scope_key = $s OR substr(scope_key, 1, length($p)) = $p")
      .run({ s, p: `${s}/` });
  }

  forPrincipal(principalId: string): RoleAssignment[] {
    return parseRows(
      this.#db
        .prepare("SELECT body FROM role_assignments WHERE principal_id = ? ORDER BY rowid")
        .all(principalId.toLowerCase()),
    );
  }

  all(): RoleAssignment[] {
    return parseRows(this.#db.prepare("SELECT body FROM role_assignments ORDER BY rowid").all());
  }
}

function parseRows(rows: unknown[]): RoleAssignment[] {
  return rows.map((row) => JSON.parse((row as { body: string }).body) as RoleAssignment);
}
