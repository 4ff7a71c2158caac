// Helpers for the contract suite (no vitest import: plain functions over the port).
import { type HayMakerEvent, seededRandom, shuffledWith } from "@haymaker/contracts";
import type { ProjectionStore } from "../projection-store.ts";
import type { Page } from "../queries.ts";

/**
 * Makes an empty store for one test. Called inside the test, so it may register cleanup with
 * onTestFinished; the suite closes the store too, so close() must tolerate a second call.
 */
export type MakeProjectionStore = () => Promise<ProjectionStore>;

export async function applyAll(store: ProjectionStore, events: readonly HayMakerEvent[]): Promise<boolean[]> {
  const applied: boolean[] = [];
  for (const event of events) applied.push((await store.apply(event)).applied);
  return applied;
}

/** Every item of a paged list, following continuations; also how many pages it took. */
export async function allPages<T>(
  fetch: (continuation: string | undefined) => Promise<Page<T>>,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let continuation: string | undefined;
  let pages = 0;
  do {
    const page = await fetch(continuation);
    items.push(...page.items);
    continuation = page.continuation;
    pages += 1;
    if (pages > 1000) throw new Error("the list never ends: a continuation repeats");
  } while (continuation !== undefined);
  return { items, pages };
}

/**
 * Everything the store shows about a run. Log lines are numbered in the order the store received them,
 * so the sequence is left out: the same lines in another arrival order are the same log.
 */
export async function snapshotOf(store: ProjectionStore, runId: string) {
  const run = await store.getExecution(runId);
  const resources = await allPages((continuation) => store.listResources({ runId, continuation }));
  const identities = await allPages((continuation) => store.listIdentities({ runId, continuation }));
  const logs: Record<string, unknown[]> = {};
  for (const agent of run?.agents ?? []) {
    const page = await store.agentLogs(runId, agent.agentId, { limit: 1000 });
    logs[agent.agentId] = page.items.map(({ sequence: _sequence, ...line }) => line);
  }
  return { run, resources: resources.items, identities: identities.items, logs };
}

/** A deterministic shuffle seeded by `seed`, so a failing order can be replayed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  return shuffledWith(items, seededRandom(seed));
}
