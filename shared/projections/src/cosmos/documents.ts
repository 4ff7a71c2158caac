// How the records sit in Cosmos DB: one document per record in the partition of its run, the record itself
// under `record` (returned as it is) beside the few fields the queries filter and order by (what the SQLite
// adapter keeps as columns). Every kind shares one container, because a transactional batch — which makes
// applying an event all-or-nothing — cannot span containers.
import { createHash } from "node:crypto";
import type { HayMakerEvent } from "@haymaker/contracts";
import type {
  AgentRecord,
  CleanupRecord,
  ExecutionRecord,
  IdentityRecord,
  LogRecord,
  ResourceRecord,
  RunEventRecord,
} from "../records.ts";

export const DOCUMENT_KINDS = [
  "head",
  "execution",
  "agent",
  "identity",
  "resource",
  "log",
  "run-event",
  "processed-event",
  "cleanup",
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export interface StoredDocument {
  id: string;
  /** The partition key: every document of a run lives in its partition. */
  runId: string;
  kind: DocumentKind;
  /** Seconds until Cosmos DB deletes the document; absent: kept for good. */
  ttl?: number;
  record?: unknown;
  /** Set by Cosmos DB: the version that a conditional write must match. */
  _etag?: string;
  [queryField: string]: unknown;
}

/** The head of a run's partition: every event applied to the run replaces it, conditionally on its etag. */
export interface HeadDocument extends StoredDocument {
  kind: "head";
  /** The highest sequence number of the run's event stream (0 before any event). */
  runEventCount: number;
}

export const HEAD_ID = "head";
/** The one cleanup record in a cleanup's own partition (see cleanupPartition). */
export const CLEANUP_ID = "cleanup";
export const EXECUTION_ID = "execution";
export const agentDocumentId = (agentId: string) => `agent-${agentId}`;
export const identityDocumentId = (agentId: string) => `identity-${agentId}`;
export const logDocumentId = (agentId: string, sequence: number) => `log-${agentId}-${sequence}`;
export const runEventDocumentId = (sequence: number) => `run-event-${sequence}`;

/** Event ids are free text (they may hold "/" or "#", which document ids may not): hashed. */
export function processedEventDocumentId(eventId: string): string {
  return `event-${createHash("sha256").update(eventId).digest("hex")}`;
}

export function headDocument(runId: string, runEventCount: number): HeadDocument {
  return { id: HEAD_ID, runId, kind: "head", runEventCount };
}

export function executionDocument(execution: ExecutionRecord): StoredDocument {
  return {
    id: EXECUTION_ID,
    runId: execution.runId,
    kind: "execution",
    status: execution.status,
    sortAt: execution.sortAt,
    scenarioIds: execution.scenarioIds,
    record: execution,
  };
}

export function agentDocument(agent: AgentRecord): StoredDocument {
  return {
    id: agentDocumentId(agent.agentId),
    runId: agent.runId,
    kind: "agent",
    agentId: agent.agentId,
    stage: agent.stage,
    scenarioId: agent.scenarioId,
    record: agent,
  };
}

export function identityDocument(identity: IdentityRecord): StoredDocument {
  return {
    id: identityDocumentId(identity.agentId),
    runId: identity.runId,
    kind: "identity",
    agentId: identity.agentId,
    record: identity,
  };
}

/** Type and ARM id are matched and ordered case-insensitively, so they are kept lowercased beside the record. */
export function resourceDocument(resource: ResourceRecord): StoredDocument {
  return {
    id: resource.id,
    runId: resource.runId,
    kind: "resource",
    agentId: resource.agentId,
    scenarioId: resource.scenarioId,
    status: resource.status,
    typeKey: resource.type.toLowerCase(),
    resourceKey: resource.resourceId.toLowerCase(),
    record: resource,
  };
}

export function logDocument(log: LogRecord, ttl: number): StoredDocument {
  return {
    id: logDocumentId(log.agentId, log.sequence),
    runId: log.runId,
    kind: "log",
    agentId: log.agentId,
    at: log.at,
    sequence: log.sequence,
    ttl,
    record: log,
  };
}

export function runEventDocument(runEvent: RunEventRecord, ttl: number): StoredDocument {
  return {
    id: runEventDocumentId(runEvent.sequence),
    runId: runEvent.runId,
    kind: "run-event",
    sequence: runEvent.sequence,
    ttl,
    record: runEvent,
  };
}

export function cleanupDocument(partition: string, cleanup: CleanupRecord): StoredDocument {
  return { id: CLEANUP_ID, runId: partition, kind: "cleanup", record: cleanup };
}

/**
 * Remembers that an event (or one unit of it, `markerId`) was applied: while it exists, the same again
 * changes nothing.
 */
export function processedEventDocument(
  runId: string,
  markerId: string,
  event: HayMakerEvent,
  ttl: number,
): StoredDocument {
  return {
    id: processedEventDocumentId(markerId),
    runId,
    kind: "processed-event",
    eventId: markerId,
    eventType: event.type,
    appliedAt: new Date().toISOString(),
    ttl,
  };
}
