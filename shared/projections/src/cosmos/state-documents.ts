// How documents in the state container are shaped, and the few rules every owner of one follows.
//
//   { id, pk, kind, ttl?, expiresAt?, …the owner's fields }
//
// - `pk`: "<owner>:<scope>" — the owning service ("monitor", "provision", "report", "gateway"), then what is
//   read together (a run id, an API key's id…). The owner prefix keeps services apart in one container; a
//   query must name its `pk` in its WHERE clause (the emulator ignores the partitionKey option on queries).
// - `id`: unique within its `pk`, derived from the fact's own key (see stateDocumentId), never random, so a
//   retried write meets the first one: `create` answers 409 and the first writer wins.
// - `kind`: which of the owner's document types this is.
// - `ttl` (seconds) when the fact may be forgotten: Cosmos DB deletes the document that long after its last
//   write. `expiresAt` (epoch seconds) says the same as an instant, because the emulator never enforces TTL
//   and because a read must not trust a document that is due for deletion: reads check it (isLive) and
//   queries filter on it (NOT_EXPIRED).
// - Changes are conditional: `create` (409 = it exists), or replace/patch with `accessCondition IfMatch` on
//   the etag read, retried on 412 — never an unconditional read-modify-write.
import { createHash } from "node:crypto";

export interface StateDocument {
  id: string;
  pk: string;
  kind: string;
  ttl?: number;
  expiresAt?: number;
  _etag?: string;
}

/** The partition key of an owner's scope. */
export function statePartition(owner: string, scope: string): string {
  return `${owner}:${scope}`;
}

/**
 * A document id for a key: the key itself when Cosmos DB accepts it as an id (at most 255 characters, none
 * of / \ ? #), otherwise "h-" and its SHA-256, which is as unique and as deterministic.
 */
export function stateDocumentId(key: string): string {
  return /^[^/\\?#]{1,255}$/.test(key) ? key : `h-${createHash("sha256").update(key).digest("hex")}`;
}

/** The fields that make a document expire `seconds` after this write. */
export function expiryFields(seconds: number, nowMs: number): { ttl: number; expiresAt: number } {
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new Error(`a state document's ttl must be a whole number of seconds, at least 1 (got ${seconds})`);
  }
  return { ttl: seconds, expiresAt: Math.floor(nowMs / 1000) + seconds };
}

/** Whether a document read back still counts (it has no expiry, or its instant is still ahead). */
export function isLive(document: Pick<StateDocument, "expiresAt">, nowMs: number): boolean {
  return document.expiresAt === undefined || document.expiresAt > Math.floor(nowMs / 1000);
}

/** A WHERE condition keeping live documents of `c`; bind `@now` to the current epoch seconds. */
export const NOT_EXPIRED = "(NOT IS_DEFINED(c.expiresAt) OR c.expiresAt > @now)";

/** The current instant as `NOT_EXPIRED` compares it. */
export function epochSeconds(nowMs: number): number {
  return Math.floor(nowMs / 1000);
}

/** The HTTP status of a Cosmos DB error (409 exists, 412 etag changed, 404 missing, 429 throttled). */
export function cosmosStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

/** How often, and with what pauses, a conditional change that lost a race is tried again. */
export interface RaceRetry {
  tries: number;
  maxPauseMs: number;
}

export const DEFAULT_RACE_RETRY: RaceRetry = { tries: 50, maxPauseMs: 50 };

/**
 * Runs `attempt` (which reads, decides and writes conditionally) again while it fails with one of `raced`
 * (412 by default: another writer changed the document since it was read; add 409 where a create races a
 * create), after a random pause so that the writers part. Any other error, or the last try's, is thrown.
 */
export async function retryWhileRaced<T>(
  attempt: () => Promise<T>,
  raced: readonly number[] = [412],
  retry: RaceRetry = DEFAULT_RACE_RETRY,
): Promise<T> {
  for (let tryNumber = 1; ; tryNumber += 1) {
    try {
      return await attempt();
    } catch (error) {
      const status = cosmosStatus(error);
      if (tryNumber >= retry.tries || status === undefined || !raced.includes(status)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * retry.maxPauseMs));
    }
  }
}
