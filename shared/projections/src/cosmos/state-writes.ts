// The one write most state owners need: record a fact unless it is already recorded, and learn which record
// stands. Conditional throughout (create, then replace only if the etag read is unchanged), so any number
// of replicas and job executions may race on the same fact and all of them come back with the same record.
import type { Container } from "@azure/cosmos";
import {
  cosmosStatus,
  DEFAULT_RACE_RETRY,
  isLive,
  type RaceRetry,
  type StateDocument,
} from "./state-documents.ts";

/**
 * Creates `document` unless a live document with its id and pk exists, and returns the one that stands:
 * the existing one (first writer wins) or `document`. A document that exists but has expired (its
 * `expiresAt` passed; Cosmos DB's background deletion may not have run, the emulator's never does) counts as
 * absent and is replaced, under its etag. Races (it disappears after a conflict, or changes before the
 * replace) are retried.
 */
export async function createUnlessLive<T extends StateDocument>(
  container: Container,
  document: T,
  nowMs: number,
  retry: RaceRetry = DEFAULT_RACE_RETRY,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await container.items.create(document);
      return document;
    } catch (error) {
      if (cosmosStatus(error) !== 409) throw error;
    }
    const { resource: existing } = await container.item(document.id, document.pk).read<T>();
    if (existing !== undefined && isLive(existing, nowMs)) return existing;
    if (existing?._etag !== undefined) {
      try {
        await container
          .item(document.id, document.pk)
          .replace(document, { accessCondition: { type: "IfMatch", condition: existing._etag } });
        return document;
      } catch (error) {
        if (cosmosStatus(error) !== 412) throw error;
      }
    }
    // It was deleted after the conflict, or changed before the replace: look again.
    if (attempt >= retry.tries) {
      throw new Error(
        `Cosmos DB document "${document.id}" in partition "${document.pk}" kept changing under ${retry.tries} attempts to record it; try again`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * retry.maxPauseMs));
  }
}
