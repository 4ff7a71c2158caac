import { mkdir, readdir, readFile, stat } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { RunIdSchema } from "@haymaker/contracts";
import * as v from "valibot";
import { StoreInputError } from "../errors.ts";
import { writeFileAtomically } from "../files/atomic-write.ts";
import { isNotFound } from "../files/not-found.ts";
import {
  checkReportRef,
  checkRunId,
  REPORT_JSON_FILE,
  REPORT_MARKDOWN_FILE,
  serialiseReport,
} from "./report-inputs.ts";
import {
  type ReportContent,
  ReportNotFoundError,
  type ReportRef,
  type ReportRefs,
  type ReportStore,
  type StoredReport,
} from "./report-store.ts";

const REPORTS = "reports";
// Refs are relative to the data directory, as contracts' examples have them: local:reports/<runId>/report.md
const LOCAL_REF = /^local:reports\/([^/]+)\/(report\.json|report\.md)$/;

/**
 * The local report store: `<dataDirectory>/reports/<runId>/report.json` (pretty JSON) and `report.md`,
 * each written atomically. Writing a run's report again replaces it. A run appears in list() once both
 * files exist; its writtenAt is the newer file's modification time.
 */
export class FileReportStore implements ReportStore {
  readonly #directory: string;

  constructor(dataDirectory: string) {
    this.#directory = join(resolve(dataDirectory), REPORTS);
  }

  async put(runId: string, report: ReportContent): Promise<ReportRefs> {
    const checkedRunId = checkRunId(runId);
    const texts = serialiseReport(report);
    const runDirectory = join(this.#directory, checkedRunId);
    await mkdir(runDirectory, { recursive: true });
    // Markdown first: list() shows a run once report.json is there too, so a first write is never
    // listed half done.
    await writeFileAtomically(join(runDirectory, REPORT_MARKDOWN_FILE), texts.markdown);
    await writeFileAtomically(join(runDirectory, REPORT_JSON_FILE), texts.json);
    return refsOf(checkedRunId);
  }

  async get(ref: ReportRef): Promise<string> {
    const file = this.#fileOf(ref);
    try {
      return await readFile(file, "utf8");
    } catch (error) {
      if (isNotFound(error)) throw new ReportNotFoundError(ref);
      throw error;
    }
  }

  async list(): Promise<StoredReport[]> {
    let entries: string[];
    try {
      entries = await readdir(this.#directory);
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
    const found = await Promise.all(
      entries.filter((entry) => v.is(RunIdSchema, entry)).map((runId) => this.#stored(runId)),
    );
    return found
      .filter((report) => report !== undefined)
      .sort((a, b) => b.writtenAt.localeCompare(a.writtenAt) || a.runId.localeCompare(b.runId));
  }

  toString(): string {
    return `FileReportStore(${this.#directory})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  async #stored(runId: string): Promise<StoredReport | undefined> {
    const runDirectory = join(this.#directory, runId);
    const [json, markdown] = await Promise.all([
      modifiedAt(join(runDirectory, REPORT_JSON_FILE)),
      modifiedAt(join(runDirectory, REPORT_MARKDOWN_FILE)),
    ]);
    if (json === undefined || markdown === undefined) return undefined;
    return { runId, ...refsOf(runId), writtenAt: new Date(Math.max(json, markdown)).toISOString() };
  }

  #fileOf(ref: ReportRef): string {
    const checkedRef = checkReportRef(ref);
    const match = LOCAL_REF.exec(checkedRef);
    const runId = match?.[1];
    const fileName = match?.[2];
    if (runId === undefined || fileName === undefined || !v.is(RunIdSchema, runId)) {
      throw new StoreInputError(
        "report ref",
        `this local store holds only refs of the form local:${REPORTS}/<runId>/${REPORT_JSON_FILE} or ${REPORT_MARKDOWN_FILE}, got ${checkedRef}`,
      );
    }
    const file = join(this.#directory, runId, fileName);
    // Belt and braces: whatever the checks above allow must still resolve inside the reports directory.
    if (!file.startsWith(this.#directory + sep)) {
      throw new StoreInputError("report ref", `must stay inside the reports directory, got ${checkedRef}`);
    }
    return file;
  }
}

function refsOf(runId: string): ReportRefs {
  return {
    json: `local:${REPORTS}/${runId}/${REPORT_JSON_FILE}`,
    markdown: `local:${REPORTS}/${runId}/${REPORT_MARKDOWN_FILE}`,
  };
}

async function modifiedAt(file: string): Promise<number | undefined> {
  try {
    const stats = await stat(file);
    return stats.isFile() ? stats.mtimeMs : undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
