import type { ReportRefSchema } from "@haymaker/contracts";
import type * as v from "valibot";

/**
 * Where a report file is kept: "local:reports/<runId>/report.json" locally, the blob's https URL (no
 * query) in Azure; valid against contracts' ReportRefSchema.
 */
export type ReportRef = v.InferOutput<typeof ReportRefSchema>;

/** What the report phase writes for one run. `json` is stored as pretty-printed JSON. */
export interface ReportContent {
  json: unknown;
  markdown: string;
}

/** The refs of one run's two report files, as carried by run.completed. */
export interface ReportRefs {
  json: ReportRef;
  markdown: ReportRef;
}

export interface StoredReport extends ReportRefs {
  runId: string;
  /** When the report was last written, RFC 3339 in UTC. */
  writtenAt: string;
}

/** The reports port: one JSON and one Markdown report per run. */
export interface ReportStore {
  /**
   * Writes the run's report, replacing any earlier one (the report phase may run again for a run), and
   * returns its refs, which depend on the run id alone.
   */
  put(runId: string, report: ReportContent): Promise<ReportRefs>;
  /** The stored text behind `ref`. Throws ReportNotFoundError when there is none. */
  get(ref: ReportRef): Promise<string>;
  /** Every run with a complete report, newest first. */
  list(): Promise<StoredReport[]>;
}

/** No report file is kept under this ref. */
export class ReportNotFoundError extends Error {
  override readonly name = "ReportNotFoundError";
  readonly ref: ReportRef;

  constructor(ref: ReportRef) {
    super(`report ${ref} not found`);
    this.ref = ref;
  }
}
