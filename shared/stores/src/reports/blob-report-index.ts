import { RunIdSchema } from "@haymaker/contracts";
import * as v from "valibot";

// The index that lets BlobReportStore list reports newest first without reading them: one empty blob per
// complete report, named `_index/<inverted time>/<runId>`. Blob Storage lists names in lexicographic order,
// so a fixed-width count of milliseconds left until LATEST sorts the newest report first, and two reports
// of the same instant by run id. "_" cannot start a run id, so no run's blobs share the prefix.

export const INDEX_PREFIX = "_index/";

/** Milliseconds since 1970 of 9999-12-31T23:59:59.999Z, the last instant an ISO timestamp can name. */
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const WIDTH = String(LATEST).length;
const ENTRY = new RegExp(`^${INDEX_PREFIX}(\\d{${WIDTH}})/([^/]+)$`);

/** The index entry of a report of `runId` written at `writtenAt`. */
export function indexEntryName(writtenAt: Date, runId: string): string {
  const inverted = LATEST - writtenAt.getTime();
  return `${INDEX_PREFIX}${String(inverted).padStart(WIDTH, "0")}/${runId}`;
}

/** The run and time an index entry names, or undefined for any other blob name. */
export function parseIndexEntry(name: string): { runId: string; writtenAt: string } | undefined {
  const match = ENTRY.exec(name);
  const inverted = match?.[1];
  const runId = match?.[2];
  if (inverted === undefined || runId === undefined || !v.is(RunIdSchema, runId)) return undefined;
  const time = LATEST - Number(inverted);
  if (time < 0) return undefined;
  return { runId, writtenAt: new Date(time).toISOString() };
}
