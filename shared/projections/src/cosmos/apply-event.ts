// Applying one event in Cosmos DB: everything one unit of an event reads and writes lies in one partition
// (its run's; see projecting/units.ts), so it is read with point reads and written with one transactional
// batch, which real Cosmos DB commits all at once or not at all. Nearly every event is one unit.
//
// Concurrency: optimistic, with etags, inside the batch rather than instead of it (etags alone cannot make
// several documents change together; a batch alone would let two writers overwrite each other). Every write in the batch is conditional — a record that existed is
// replaced only if its etag is still the one read (IfMatch), a new one is created only if still absent, and
// the run's head document is always replaced (or created) that way first — so when two events of one run
// are applied at once, exactly one batch commits and the other fails as a whole with 412/409, re-reads and
// recomputes. Nothing is locked and no update is lost. The head goes first for the emulator's sake: it runs
// a batch's operations one by one without rolling back, so a batch that loses the race must fail at its
// first operation, before it has written anything.
import { BulkOperationType, type Container, type JSONObject, type OperationInput } from "@azure/cosmos";
import type { HayMakerEvent } from "@haymaker/contracts";
import type { ProjectionReads, ProjectionWrites, ReadPlan } from "../projecting/read-plan.ts";
import { type ProjectionUnit, unitsOf } from "../projecting/units.ts";
import type { ApplyResult } from "../projection-store.ts";
import type {
  AgentRecord,
  CleanupRecord,
  ExecutionRecord,
  IdentityRecord,
  ResourceRecord,
  RunEventRecord,
} from "../records.ts";
import {
  agentDocument,
  agentDocumentId,
  CLEANUP_ID,
  cleanupDocument,
  EXECUTION_ID,
  executionDocument,
  HEAD_ID,
  type HeadDocument,
  headDocument,
  identityDocument,
  identityDocumentId,
  logDocument,
  processedEventDocument,
  processedEventDocumentId,
  resourceDocument,
  runEventDocument,
  type StoredDocument,
} from "./documents.ts";
import { queryAll, whereKind } from "./keyset-query.ts";

/** Transactional batches hold at most 100 operations; an event's others (head, run, agent…) take 7. */
export const MAX_BATCH_OPERATIONS = 100;

/** Seconds until documents that expire do. */
export interface Expiry {
  logSeconds: number;
  processedEventSeconds: number;
}

export interface RetryPolicy {
  /** How many times an event is tried before giving up while other writers keep changing its run. */
  attempts: number;
  /** The longest pause between tries, in milliseconds (pauses are random up to a doubling bound). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 100, maxDelayMs: 200 };

export async function applyEvent(
  container: Container,
  event: HayMakerEvent,
  expiry: Expiry,
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<ApplyResult> {
  let applied = false;
  // In order: a cleanup's own record comes last, so it reads completed only once its agents are settled.
  for (const unit of unitsOf(event)) {
    if (await applyUnit(container, event, unit, expiry, retry)) applied = true;
  }
  return { applied };
}

/** True when the unit was applied now; false when it had been before. */
async function applyUnit(
  container: Container,
  event: HayMakerEvent,
  unit: ProjectionUnit,
  expiry: Expiry,
  retry: RetryPolicy,
): Promise<boolean> {
  const { partition } = unit;
  for (let attempt = 1; ; attempt++) {
    const found = await loadDocuments(container, unit);
    if (found.has(processedEventDocumentId(unit.markerId))) return false;
    const operations = batchFor(event, unit, found, expiry);
    if (await commit(container, partition, operations)) return true;
    if (attempt >= retry.attempts) {
      throw new Error(
        `gave up applying event ${event.id} after ${attempt} tries: other writers kept changing ${partition} at the same time`,
      );
    }
    await pause(Math.random() * Math.min(retry.maxDelayMs, 2 ** attempt));
  }
}

/**
 * The partition's head, the unit's processed marker and every record the plan names, by document id: point
 * reads (the cheapest reads there are, and no query plan to fetch first), the head before the others. Every
 * commit replaces the head, so whatever committed before the head was read is seen by the reads after it,
 * and whatever committed after makes this unit's conditional write of the head fail. Each record read is
 * also written conditionally, which catches a read served by a replica that lags.
 */
async function loadDocuments(
  container: Container,
  unit: ProjectionUnit,
): Promise<Map<string, StoredDocument>> {
  const { partition: runId, plan } = unit;
  const read = async (id: string) => (await container.item(id, runId).read<StoredDocument>()).resource;
  const head = await read(HEAD_ID);
  const ids = [processedEventDocumentId(unit.markerId)];
  if (plan) {
    ids.push(EXECUTION_ID, ...plan.resourceIds);
    if (plan.agentId !== undefined) {
      ids.push(agentDocumentId(plan.agentId));
      if (plan.identity) ids.push(identityDocumentId(plan.agentId));
    }
    if (plan.cleanupId !== undefined) ids.push(CLEANUP_ID);
  }
  const agentResources =
    plan?.agentId !== undefined && plan.allResourcesOfAgent
      ? queryAll<StoredDocument>(
          container,
          whereKind("resource", runId).and("c.agentId = ?", plan.agentId).query("*"),
          runId,
        )
      : Promise.resolve([]);
  const [documents, ofAgent] = await Promise.all([Promise.all(ids.map(read)), agentResources]);
  const found = new Map<string, StoredDocument>();
  for (const document of [head, ...documents, ...ofAgent]) {
    if (document !== undefined) found.set(document.id, document);
  }
  return found;
}

function readsOf(plan: ReadPlan, found: ReadonlyMap<string, StoredDocument>): ProjectionReads {
  const recordOf = <T>(id: string) => found.get(id)?.record as T | undefined;
  const resources = new Map<string, ResourceRecord>();
  for (const document of found.values()) {
    if (document.kind === "resource") resources.set(document.id, document.record as ResourceRecord);
  }
  return {
    execution: recordOf<ExecutionRecord>(EXECUTION_ID),
    agent: plan.agentId === undefined ? undefined : recordOf<AgentRecord>(agentDocumentId(plan.agentId)),
    identity:
      plan.agentId === undefined || !plan.identity
        ? undefined
        : recordOf<IdentityRecord>(identityDocumentId(plan.agentId)),
    resources,
    ...(plan.cleanupId === undefined ? {} : { cleanup: recordOf<CleanupRecord>(CLEANUP_ID) }),
  };
}

function batchFor(
  event: HayMakerEvent,
  unit: ProjectionUnit,
  found: ReadonlyMap<string, StoredDocument>,
  expiry: Expiry,
): OperationInput[] {
  const runId = unit.partition;
  const writes: ProjectionWrites = unit.plan
    ? unit.project(readsOf(unit.plan, found))
    : { resources: [], logs: [] };
  const head = found.get(HEAD_ID) as HeadDocument | undefined;
  const streamRunId = unit.stream;
  const runEventCount = (head?.runEventCount ?? 0) + (streamRunId === undefined ? 0 : 1);

  const documents: StoredDocument[] = [headDocument(runId, runEventCount)];
  if (writes.execution) documents.push(executionDocument(writes.execution));
  if (writes.agent) documents.push(agentDocument(writes.agent));
  if (writes.identity) documents.push(identityDocument(writes.identity));
  for (const resource of writes.resources) documents.push(resourceDocument(resource));
  for (const log of writes.logs) documents.push(logDocument(log, expiry.logSeconds));
  if (writes.cleanup) documents.push(cleanupDocument(runId, writes.cleanup));
  if (streamRunId !== undefined) {
    const runEvent: RunEventRecord = { runId: streamRunId, sequence: runEventCount, event };
    documents.push(runEventDocument(runEvent, expiry.logSeconds));
  }
  documents.push(processedEventDocument(runId, unit.markerId, event, expiry.processedEventSeconds));
  if (documents.length > MAX_BATCH_OPERATIONS) {
    throw new Error(
      `event ${event.id} changes ${documents.length} documents of ${runId}, more than one Cosmos DB transactional batch holds (${MAX_BATCH_OPERATIONS})`,
    );
  }
  return documents.map((document) => writeOf(document, found.get(document.id)?._etag, runId));
}

/** Replace what was read, if unchanged since; create what was not there, if still absent. */
function writeOf(document: StoredDocument, etag: string | undefined, runId: string): OperationInput {
  const resourceBody = document as JSONObject;
  // The partition key is named on each operation too: the emulator cannot run Replace without it.
  return etag === undefined
    ? { operationType: BulkOperationType.Create, partitionKey: runId, resourceBody }
    : {
        operationType: BulkOperationType.Replace,
        partitionKey: runId,
        id: document.id,
        ifMatch: etag,
        resourceBody,
      };
}

/** True when the batch committed; false when another writer got there first (the caller retries). */
async function commit(container: Container, runId: string, operations: OperationInput[]): Promise<boolean> {
  let statuses: number[];
  try {
    const response = await container.items.batch(operations, runId);
    statuses = response.result?.map((result) => result.statusCode) ?? [response.code ?? 500];
  } catch (error) {
    // Real Cosmos DB answers a failed batch with the failing operation's status, which the SDK throws.
    const status = statusOf(error);
    if (status !== undefined && isLostRace(status)) return false;
    throw error;
  }
  if (statuses.every((status) => status >= 200 && status < 300)) return true;
  if (statuses.some(isLostRace)) return false;
  const failed = statuses.find((status) => status >= 300 && status !== 424);
  throw new Error(`Cosmos DB refused to write run ${runId}'s documents (status ${failed ?? "unknown"})`);
}

/** 412: a document changed since it was read; 409: one was created since. */
function isLostRace(status: number): boolean {
  return status === 412 || status === 409;
}

function statusOf(error: unknown): number | undefined {
  for (let current = error; typeof current === "object" && current !== null; ) {
    const { code, statusCode, cause } = current as { code?: unknown; statusCode?: unknown; cause?: unknown };
    if (typeof code === "number") return code;
    if (typeof statusCode === "number") return statusCode;
    current = cause;
  }
  return undefined;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
