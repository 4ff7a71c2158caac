import type { ContainerClient } from "@azure/storage-blob";
import { RunIdSchema } from "@haymaker/contracts";
import * as v from "valibot";
import { StoreInputError } from "../errors.ts";
import {
  ensureContainer,
  refsUnderAreValid,
  statusCodeOf,
  throwIfContainerMissing,
  withoutQuery,
} from "./blob-container.ts";
import { INDEX_PREFIX, indexEntryName, parseIndexEntry } from "./blob-report-index.ts";
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

const CONTENT_TYPES = {
  [REPORT_JSON_FILE]: "application/json; charset=utf-8",
  [REPORT_MARKDOWN_FILE]: "text/markdown; charset=utf-8",
} as const;
type ReportFile = keyof typeof CONTENT_TYPES;

/** Metadata on report.json naming the run's index entry, so the next write can remove it. */
const INDEX_ENTRY_METADATA = "haymakerindexentry";

/**
 * The reports port on Azure Blob Storage: `<container>/<runId>/report.json` and `report.md`, each written
 * with one Put Blob (readers see the old text or the new, never a part). Refs are the blobs' URLs without
 * any query, so a SAS in the client's URL never reaches an event.
 *
 * list() reads no report: every complete report has an empty index blob `_index/<inverted time>/<runId>`
 * (see blob-report-index.ts), and one listing of that prefix comes back newest first, as Blob Storage
 * lists names in order. A write goes markdown → json → new index entry → old entry removed, so a run is
 * listed only once both files exist; a crash between the last two steps leaves two entries for a run,
 * and list() keeps the newer one.
 */
export class BlobReportStore implements ReportStore {
  readonly #container: ContainerClient;
  /** The container's URL without a query: the prefix of every ref this store makes. */
  readonly #containerUrl: URL;
  #ready: Promise<void> | undefined;

  constructor(container: ContainerClient) {
    this.#container = container;
    this.#containerUrl = withoutQuery(container.url);
    if (!refsUnderAreValid(this.#containerUrl)) {
      throw new Error(
        `BlobReportStore needs an https container URL (plain http only on 127.0.0.1, for Azurite) so that its refs are valid report refs, got ${this.#containerUrl.href}`,
      );
    }
  }

  async put(runId: string, report: ReportContent): Promise<ReportRefs> {
    const checkedRunId = checkRunId(runId);
    const texts = serialiseReport(report);
    await this.#ensureContainer();
    try {
      const previousEntry = await this.#currentIndexEntry(checkedRunId);
      // Markdown first: the run's index entry is written after report.json, so a first write that stops
      // half way is never listed.
      const markdown = await this.#upload(checkedRunId, REPORT_MARKDOWN_FILE, texts.markdown);
      // The service's clock, not this machine's: every replica and job execution orders reports alike.
      const entry = indexEntryName(markdown.lastModified ?? new Date(), checkedRunId);
      await this.#upload(checkedRunId, REPORT_JSON_FILE, texts.json, { [INDEX_ENTRY_METADATA]: entry });
      await this.#container.getBlockBlobClient(entry).upload("", 0);
      if (previousEntry !== undefined && previousEntry !== entry) {
        await this.#container.getBlockBlobClient(previousEntry).deleteIfExists();
      }
    } catch (error) {
      throwIfContainerMissing(error, this.#container);
      throw error;
    }
    return this.#refsOf(checkedRunId);
  }

  async get(ref: ReportRef): Promise<string> {
    const blobName = this.#blobNameOf(ref);
    await this.#ensureContainer();
    try {
      // One Get Blob: unlike downloadToBuffer, which asks for the size first and then reads ranges, it
      // cannot mix two versions of a blob that is being replaced.
      const response = await this.#container.getBlobClient(blobName).download();
      return await readText(response.readableStreamBody);
    } catch (error) {
      throwIfContainerMissing(error, this.#container);
      if (statusCodeOf(error) === 404) throw new ReportNotFoundError(ref);
      throw error;
    }
  }

  async list(): Promise<StoredReport[]> {
    await this.#ensureContainer();
    const reports: StoredReport[] = [];
    const listed = new Set<string>();
    try {
      for await (const blob of this.#container.listBlobsFlat({ prefix: INDEX_PREFIX })) {
        const entry = parseIndexEntry(blob.name);
        // Names come newest first; an older entry of a listed run is one a crashed write left behind.
        if (entry === undefined || listed.has(entry.runId)) continue;
        listed.add(entry.runId);
        reports.push({ runId: entry.runId, ...this.#refsOf(entry.runId), writtenAt: entry.writtenAt });
      }
    } catch (error) {
      throwIfContainerMissing(error, this.#container);
      throw error;
    }
    return reports;
  }

  toString(): string {
    return `BlobReportStore(${this.#containerUrl.href})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  #ensureContainer(): Promise<void> {
    // Once per store; a failure is not remembered, so the next call tries again.
    this.#ready ??= ensureContainer(this.#container).catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async #currentIndexEntry(runId: string): Promise<string | undefined> {
    try {
      const properties = await this.#container.getBlobClient(`${runId}/${REPORT_JSON_FILE}`).getProperties();
      const entry = properties.metadata?.[INDEX_ENTRY_METADATA];
      // Only ever delete an index entry of this run, whatever else the metadata may have been set to.
      return entry !== undefined && parseIndexEntry(entry)?.runId === runId ? entry : undefined;
    } catch (error) {
      // A missing container is a 404 too; put() turns the failed upload that follows into its error.
      if (statusCodeOf(error) === 404) return undefined;
      throw error;
    }
  }

  #upload(runId: string, file: ReportFile, text: string, metadata?: Record<string, string>) {
    const body = Buffer.from(text, "utf8");
    return this.#container.getBlockBlobClient(`${runId}/${file}`).upload(body, body.length, {
      blobHTTPHeaders: { blobContentType: CONTENT_TYPES[file] },
      ...(metadata === undefined ? {} : { metadata }),
    });
  }

  #refOf(runId: string, file: ReportFile): ReportRef {
    return `${this.#containerUrl.href}/${runId}/${file}`;
  }

  #refsOf(runId: string): ReportRefs {
    return { json: this.#refOf(runId, REPORT_JSON_FILE), markdown: this.#refOf(runId, REPORT_MARKDOWN_FILE) };
  }

  /** The blob name behind one of this store's refs; any other ref (another account or container) is refused. */
  #blobNameOf(ref: ReportRef): string {
    const checkedRef = checkReportRef(ref);
    const url = URL.canParse(checkedRef) ? new URL(checkedRef) : undefined;
    const containerPath = `${this.#containerUrl.pathname}/`;
    const match =
      url !== undefined && url.origin === this.#containerUrl.origin && url.pathname.startsWith(containerPath)
        ? /^([^/]+)\/(report\.json|report\.md)$/.exec(url.pathname.slice(containerPath.length))
        : null;
    const runId = match?.[1];
    const file = match?.[2];
    if (runId === undefined || file === undefined || !v.is(RunIdSchema, runId)) {
      throw new StoreInputError(
        "report ref",
        `this store holds only refs of the form ${this.#containerUrl.href}/<runId>/${REPORT_JSON_FILE} or ${REPORT_MARKDOWN_FILE}, got ${checkedRef}`,
      );
    }
    return `${runId}/${file}`;
  }
}

async function readText(body: NodeJS.ReadableStream | undefined): Promise<string> {
  if (body === undefined) return "";
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}
