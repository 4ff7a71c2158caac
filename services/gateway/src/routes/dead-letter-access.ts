// Shared by the dead-letter routes: the dead-letter queues and operations when this gateway has them (it
// needs a bus connection), else 503 naming why; and a selection's dry run.
import type { DeadLetterQueues, ReplayOperations } from "@haymaker/dead-letters";
import { type DeadLetterSelection, normalise, summaryOf } from "@haymaker/dead-letters";
import type { Context } from "hono";
import { apiError } from "../errors.ts";
import type { GatewayDeps } from "../gateway-deps.ts";

export interface DeadLetterAccess {
  queues: DeadLetterQueues;
  operations: ReplayOperations;
  /** Edit-and-retry (admin) is off unless the operator turned it on. */
  editEnabled: boolean;
}

export function deadLettersOf(c: Context, deps: GatewayDeps): DeadLetterAccess | Response {
  if (deps.deadLetters !== undefined) return deps.deadLetters;
  return apiError(
    c,
    503,
    "DeadLettersUnavailable",
    "This gateway has no bus connection to read dead letters from.",
  );
}

const SAMPLE = 10;
const COUNTS_FOR_MS = 5_000;
const counted = new WeakMap<
  DeadLetterQueues,
  { at: number; counts: ReturnType<DeadLetterQueues["counts"]> }
>();

/**
 * How many dead letters each subscription holds, for /api/status and /api/metrics: peeking every queue
 * takes a moment, so an answer serves for a few seconds.
 */
export function deadLetterCounts(access: DeadLetterAccess): ReturnType<DeadLetterQueues["counts"]> {
  const kept = counted.get(access.queues);
  if (kept !== undefined && Date.now() - kept.at < COUNTS_FOR_MS) return kept.counts;
  const counts = access.queues.counts();
  counted.set(access.queues, { at: Date.now(), counts });
  counts.catch(() => counted.delete(access.queues));
  return counts;
}

export async function dryRun(access: DeadLetterAccess, selection: DeadLetterSelection) {
  const { filter, ids } = normalise(selection);
  const found = await access.queues.list(filter, ids);
  return { dryRun: true as const, count: found.length, sample: found.slice(0, SAMPLE).map(summaryOf) };
}
