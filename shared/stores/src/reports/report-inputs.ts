import { describeValue, ReportRefSchema, RunIdSchema } from "@haymaker/contracts";
import * as v from "valibot";
import { StoreInputError } from "../errors.ts";
import type { ReportContent, ReportRef } from "./report-store.ts";

// Checks every report store applies to its inputs, and the one way reports are serialised, so the local
// and Azure stores refuse and write the same things.

export const REPORT_JSON_FILE = "report.json";
export const REPORT_MARKDOWN_FILE = "report.md";

export function checkRunId(runId: unknown): string {
  const result = v.safeParse(RunIdSchema, runId, { abortPipeEarly: true });
  if (result.success) return result.output;
  throw new StoreInputError("run id", `${result.issues[0].message}, got ${describeValue(runId)}`);
}

// Refs name a place under a store's root. ReportRefSchema already refuses ".." and absolute paths; this
// says so plainly, because a ref that climbs out is a bug or an attack, not a typo.
function climbsOut(ref: string): boolean {
  if (!ref.startsWith("local:")) return false;
  const path = ref.slice("local:".length);
  return path.startsWith("/") || path.includes("\\") || path.split("/").some((segment) => segment === "..");
}

export function checkReportRef(ref: unknown): ReportRef {
  if (typeof ref === "string" && climbsOut(ref)) {
    throw new StoreInputError(
      "report ref",
      `must stay inside the reports directory (no "..", "\\" or leading "/"), got ${describeValue(ref)}`,
    );
  }
  if (v.is(ReportRefSchema, ref)) return ref;
  throw new StoreInputError(
    "report ref",
    `expected local:<relative path> or an https URL without a query, got ${describeValue(ref)}`,
  );
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ");
}

export interface SerialisedReport {
  json: string;
  markdown: string;
}

/** The stored texts: pretty JSON with a final newline, and the Markdown as given. */
export function serialiseReport(report: ReportContent): SerialisedReport {
  if (typeof report !== "object" || report === null) {
    throw new StoreInputError("report", `expected { json, markdown }, got ${describeValue(report)}`);
  }
  if (typeof report.markdown !== "string") {
    throw new StoreInputError("report markdown", `expected a string, got ${describeValue(report.markdown)}`);
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(report.json, null, 2);
  } catch (error) {
    // Circular structures and BigInts; the message names the constructor and property, not values.
    throw new StoreInputError("report json", `cannot be written as JSON: ${oneLine(error)}`);
  }
  if (json === undefined) {
    throw new StoreInputError("report json", `expected a JSON value, got ${describeValue(report.json)}`);
  }
  return { json: `${json}\n`, markdown: report.markdown };
}
