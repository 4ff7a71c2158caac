// Entra's directory audit log: every Graph write, who made it, what it touched and how it ended, in
// Graph's directoryAudit shape. Directory changes land here, not in the subscription's Activity Log,
// because that is where Azure puts them and where a detection engineer looks for them.
import { randomUUID } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";

export interface DirectoryAuditEntry {
  activityDisplayName: string;
  operationType: "Add" | "Update" | "Delete";
  result: "success" | "failure";
  resultReason: string;
  initiatedBy: { appId: string; displayName: string; servicePrincipalId: string | null };
  target?: { id: string; displayName: string; type: string };
  correlationId: string;
  time: Date;
}

export class DirectoryAuditStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  record(entry: DirectoryAuditEntry): void {
    const activityDateTime = entry.time.toISOString();
    const body = {
      id: `Directory_${randomUUID()}`,
      category: "ApplicationManagement",
      correlationId: entry.correlationId,
      result: entry.result,
      resultReason: entry.resultReason,
      activityDisplayName: entry.activityDisplayName,
      activityDateTime,
      loggedByService: "Core Directory",
      operationType: entry.operationType,
      initiatedBy: {
        user: null,
        app: {
          appId: entry.initiatedBy.appId,
          displayName: entry.initiatedBy.displayName,
          servicePrincipalId: entry.initiatedBy.servicePrincipalId,
          servicePrincipalName: null,
        },
      },
      targetResources:
        entry.target === undefined
          ? []
          : [
              {
                id: entry.target.id,
                displayName: entry.target.displayName,
                type: entry.target.type,
                userPrincipalName: null,
                groupType: null,
                modifiedProperties: [],
              },
            ],
      additionalDetails: [],
    };
    this.#db
      .prepare("INSERT INTO directory_audits (activity_time, body) VALUES (?, ?)")
      .run(activityDateTime, JSON.stringify(body));
  }

  /** Newest first. */
  list(): Record<string, unknown>[] {
    return this.#db
      .prepare("SELECT body FROM directory_audits ORDER BY seq DESC")
      .all()
      .map((row) => JSON.parse((row as { body: string }).body) as Record<string, unknown>);
  }
}
