// The call record behind the Activity Log endpoint. Rows keep the EventData JSON as returned, plus the
// columns the Activity Log filter can select on.
import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { DatabaseSync } from "node:sqlite";

export interface ActivityRecord {
  operationName: string;
  caller: string;
  resourceId: string;
  subscriptionId: string;
  resourceGroupName?: string;
  httpMethod: string;
  status: number;
  timestamp: Date;
}

export interface ActivityQuery {
  subscriptionId: string;
  from: string;
  to?: string;
  resourceGroupName?: string;
  resourceUri?: string;
  resourceProvider?: string;
  correlationId?: string;
}

export class ActivityStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  record(entry: ActivityRecord): void {
    const eventDataId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = entry.timestamp.toISOString();
    const provider = entry.operationName.split("/")[0] ?? "";
    const status = statusName(entry.status);
    const body = {
      authorization: { action: entry.operationName, scope: entry.resourceId },
      caller: entry.caller,
      claims: { appid: entry.caller },
      channels: "Operation",
      correlationId,
      eventDataId,
      eventName: { value: "EndRequest", localizedValue: "End request" },
      category: { value: "Administrative", localizedValue: "Administrative" },
      httpRequest: { method: entry.httpMethod, clientIpAddress: "127.0.0.1" },
      id: `${entry.resourceId}/events/${eventDataId}/ticks/${entry.timestamp.getTime()}`,
      level: status === "Failed" ? "Error" : "Informational",
      operationId: correlationId,
      operationName: { value: entry.operationName, localizedValue: entry.operationName },
      resourceGroupName: entry.resourceGroupName,
      resourceProviderName: { value: provider, localizedValue: provider },
      resourceType: { value: resourceTypeFromOperation(entry.operationName), localizedValue: "" },
      resourceId: entry.resourceId,
      status: { value: status, localizedValue: status },
      subStatus: { value: httpStatusName(entry.status), localizedValue: httpStatusName(entry.status) },
      properties: { statusCode: httpStatusName(entry.status) },
      eventTimestamp: timestamp,
      submissionTimestamp: timestamp,
      subscriptionId: entry.subscriptionId,
      tenantId: "",
    };
    this.#db
      .prepare("INSERT INTO activity (event_timestamp, subscription_id, group_key, body) VALUES (?, ?, ?, ?)")
      .run(
        timestamp,
        entry.subscriptionId.toLowerCase(),
        entry.resourceGroupName?.toLowerCase() ?? null,
        JSON.stringify(body),
      );
  }

  query(q: ActivityQuery): Record<string, unknown>[] {
    // ISO-8601 UTC timestamps compare correctly as text once normalised.
    const rows = this.#db
      .prepare(
        "SELECT body FROM activity WHERE subscription_id = ? AND event_timestamp >= ? AND event_timestamp <= ? " +
          "AND (? IS NULL OR group_key = ?) ORDER BY seq DESC",
      )
      .all(
        q.subscriptionId.toLowerCase(),
        q.from,
        q.to ?? "9999-12-31T23:59:59.999Z",
        q.resourceGroupName?.toLowerCase() ?? null,
        q.resourceGroupName?.toLowerCase() ?? null,
      );
    return rows
      .map((row) => JSON.parse((row as { body: string }).body) as Record<string, unknown>)
      .filter(
        (event) =>
          (q.resourceUri === undefined ||
            String(event.resourceId).toLowerCase() === q.resourceUri.toLowerCase()) &&
          (q.resourceProvider === undefined ||
            String((event.resourceProviderName as { value: string }).value).toLowerCase() ===
              q.resourceProvider.toLowerCase()) &&
          (q.correlationId === undefined || event.correlationId === q.correlationId),
      );
  }
}

// Activity Log status: Accepted for a long-running start, Succeeded / Failed for the rest.
function statusName(status: number): string {
  if (status === 202) return "Accepted";
  return status < 400 ? "Succeeded" : "Failed";
}

/** `Created`, `NoContent`, `NotFound`: the sub-status spelling the Activity Log uses. */
function httpStatusName(status: number): string {
  return (STATUS_CODES[status] ?? String(status)).replace(/[^A-Za-z]/g, "");
}

function resourceTypeFromOperation(operationName: string): string {
  return operationName.split("/").slice(0, -1).join("/");
}
