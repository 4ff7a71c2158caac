// The subscription's Activity Log through Azure Monitor, as the report reads it: who did what to which
// resource, and how it ended.
import type { MonitorClient } from "@azure/arm-monitor";
import type { ActivityRecord } from "../cloud-control.ts";
import { attempt } from "./errors.ts";

export async function readActivity(
  client: MonitorClient,
  from: Date,
  to: Date,
  caller: string | undefined,
): Promise<ActivityRecord[]> {
  const filter =
    `eventTimestamp ge '${from.toISOString()}' and eventTimestamp le '${to.toISOString()}'` +
    (caller === undefined ? "" : ` and caller eq '${caller.replaceAll("'", "''")}'`);
  return attempt("Reading the Activity Log", async () => {
    const records: ActivityRecord[] = [];
    for await (const event of client.activityLogs.list(filter)) {
      const statusCode = event.properties?.statusCode;
      records.push({
        operationName: event.operationName?.value ?? "",
        caller: event.caller ?? "",
        resourceId: event.resourceId ?? "",
        httpMethod: event.httpRequest?.method ?? "",
        status: event.status?.value ?? "",
        ...(statusCode === undefined ? {} : { statusCode }),
        timestamp: (event.eventTimestamp ?? new Date(0)).toISOString(),
      });
    }
    return records;
  });
}
