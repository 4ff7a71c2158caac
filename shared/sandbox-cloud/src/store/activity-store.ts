// The call record behind the Activity Log endpoint. Rows keep the EventData JSON as returned, plus the
// columns the Activity Log filter selects on most; the rest is matched on the JSON itself.
import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { DatabaseSync } from "node:sqlite";

export interface ActivityRecord {
  operationName: string;
  /** The caller's client (application) id; empty when the call was not authenticated. */
  caller: string;
  /** The caller's service principal object id, when it has one. */
  callerObjectId?: string;
  resourceId: string;
  subscriptionId: string;
  resourceGroupName?: string;
  httpMethod: string;
  status: number;
  timestamp: Date;
  /**
   * How long after `timestamp` the entry reaches the log (realism's activityLogDelayMs): its
   * submissionTimestamp, before which no query returns it. 0 when left out.
   */
  ingestionDelayMs?: number;
}

export interface ActivityQuery {
  subscriptionId: string;
  from: string;
  to?: string;
  resourceGroupName?: string;
  resourceUri?: string;
  resourceProvider?: string;
  correlationId?: string;
  caller?: string;
  /** Only entries submitted by then are returned (Azure's ingestion delay); now when left out. */
  asOf?: Date;
}

export interface ActivityPage {
  events: Record<string, unknown>[];
  /** Opaque position of the next page; undefined on the last page. */
  next?: string;
}

export class ActivityStore {
  readonly #db: DatabaseSync;
  readonly #tenantId: string;

  constructor(db: DatabaseSync, tenantId: string) {
    this.#db = db;
    this.#tenantId = tenantId;
    // SQLite's lower() folds ASCII only, while names may hold any Unicode letter; the filter values are
    // folded by JavaScript, so the stored side must be folded the same way to match.
    db.function("unicode_lower", { deterministic: true }, (value) =>
      typeof value === "string" ? value.toLowerCase() : value,
    );
  }

  record(entry: ActivityRecord): void {
    const eventDataId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = entry.timestamp.toISOString();
    const submitted = new Date(entry.timestamp.getTime() + (entry.ingestionDelayMs ?? 0)).toISOString();
    const provider = entry.operationName.split("/")[0] ?? "";
    const status = statusName(entry.status);
    const body = {
      authorization: { action: entry.operationName, scope: entry.resourceId },
      caller: entry.caller,
      claims: {
        appid: entry.caller,
        "http://schemas.microsoft.com/identity/claims/tenantid": this.#tenantId,
        ...(entry.callerObjectId === undefined
          ? {}
          : { "http://schemas.microsoft.com/identity/claims/objectidentifier": entry.callerObjectId }),
      },
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
      // statusCode is Azure's spelling ("Created"); httpStatusCode is the sandbox's numeric addition.
      properties: { statusCode: httpStatusName(entry.status), httpStatusCode: String(entry.status) },
      eventTimestamp: timestamp,
      submissionTimestamp: submitted,
      subscriptionId: entry.subscriptionId,
      tenantId: this.#tenantId,
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

  /** Newest first, `pageSize` at a time; pass the previous page's `next` to continue. */
  query(q: ActivityQuery, pageSize: number, after?: string): ActivityPage {
    const before = after === undefined ? Number.MAX_SAFE_INTEGER : Number(after);
    const text = (value: string | undefined) => value?.toLowerCase() ?? null;
    // ISO-8601 UTC timestamps compare correctly as text once normalised.
    const rows = this.#db
      .prepare(
        "SELECT seq, body FROM activity WHERE seq < $before AND subscription_id = $subscription " +
          "AND event_timestamp >= $from AND event_timestamp <= $to " +
          "AND ($group IS NULL OR group_key = $group) " +
          "AND ($uri IS NULL OR unicode_lower(json_extract(body, '$.resourceId')) = $uri) " +
          "AND ($provider IS NULL OR unicode_lower(json_extract(body, '$.resourceProviderName.value')) = $provider) " +
          "AND ($correlation IS NULL OR json_extract(body, '$.correlationId') = $correlation) " +
          "AND ($caller IS NULL OR unicode_lower(json_extract(body, '$.caller')) = $caller) " +
          "AND json_extract(body, '$.submissionTimestamp') <= $asOf " +
          "ORDER BY seq DESC LIMIT $limit",
      )
      .all({
        before,
        subscription: q.subscriptionId.toLowerCase(),
        from: q.from,
        to: q.to ?? "9999-12-31T23:59:59.999Z",
        group: text(q.resourceGroupName),
        uri: text(q.resourceUri),
        provider: text(q.resourceProvider),
        correlation: q.correlationId ?? null,
        caller: text(q.caller),
        asOf: (q.asOf ?? new Date()).toISOString(),
        limit: pageSize + 1,
      }) as { seq: number; body: string }[];
    const page = rows.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      events: page.map((row) => JSON.parse(row.body) as Record<string, unknown>),
      ...(rows.length > pageSize && last !== undefined ? { next: String(last.seq) } : {}),
    };
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
