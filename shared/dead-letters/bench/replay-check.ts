// After a replay: did every replayed event arrive on provision exactly once, carrying replay count 1, and is
// the dead-letter queue empty? A throughput figure only counts when all of that holds.
import type { ServiceBusClient } from "@azure/service-bus";
import { decodeEvent } from "@haymaker/cloudevents";
import type { DeadLetterQueues } from "../src/index.ts";
import { drain, PROJECTOR, PROVISION } from "./dead-letter-fill.ts";

export interface ReplayCheck {
  /** Events that arrived on provision, duplicates included. */
  arrived: number;
  missing: number;
  duplicates: number;
  /** Arrived events whose id was not among those dead-lettered. */
  unexpected: number;
  /** Arrived events whose replay count is not 1. */
  wrongReplayCount: number;
  /** Messages provision got that were not readable HayMaker events. */
  unreadable: number;
  leftInDeadLetterQueue: number;
  /** Problems in words; empty when the replay was exact. */
  problems: string[];
}

export async function checkReplay(
  client: ServiceBusClient,
  queues: DeadLetterQueues,
  expected: ReadonlySet<string>,
): Promise<ReplayCheck> {
  const seen = new Map<string, number>();
  let wrongReplayCount = 0;
  let unreadable = 0;
  const arrived = await drain(client, PROVISION, (message) => {
    try {
      const event = decodeEvent(message);
      seen.set(event.id, (seen.get(event.id) ?? 0) + 1);
      if (event.replaycount !== 1) wrongReplayCount += 1;
    } catch {
      unreadable += 1;
    }
  });
  // The projector's copies are not checked; they are removed so the next run starts from the same state.
  await drain(client, PROJECTOR);
  const missing = [...expected].filter((id) => !seen.has(id)).length;
  const duplicates = [...seen.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  const unexpected = [...seen.keys()].filter((id) => !expected.has(id)).length;
  const leftInDeadLetterQueue =
    (await queues.counts()).find(
      (c) => c.topic === PROVISION.topic && c.subscription === PROVISION.subscription,
    )?.count ?? 0;
  const problems = [
    missing > 0 ? `${missing} replayed events never arrived on provision` : "",
    duplicates > 0 ? `${duplicates} events arrived on provision more than once` : "",
    unexpected > 0 ? `${unexpected} events arrived that were not dead-lettered` : "",
    wrongReplayCount > 0 ? `${wrongReplayCount} events arrived with a replay count other than 1` : "",
    unreadable > 0 ? `${unreadable} messages on provision were not readable events` : "",
    leftInDeadLetterQueue > 0 ? `${leftInDeadLetterQueue} dead letters were left in the queue` : "",
  ].filter(Boolean);
  return {
    arrived,
    missing,
    duplicates,
    unexpected,
    wrongReplayCount,
    unreadable,
    leftInDeadLetterQueue,
    problems,
  };
}
