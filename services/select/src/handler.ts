// select: a validated run → one agent.selected per agent. Named scenarios are taken as given; a size picks
// that many distinct scenarios at random. The choice is seeded by the run id and the event ids derive from
// what they describe, so a redelivered run.validated publishes exactly the same agents again, and
// downstream handlers (idempotent per run and agent) see duplicates, never a second, different selection.
import { createHash } from "node:crypto";
import { DEAD_LETTER_REASONS, UnprocessableEventError } from "@haymaker/bus";
import { deterministicEventId, newEvent } from "@haymaker/cloudevents";
import {
  AGENTS_PER_SIZE,
  type EventOf,
  parseIsoDuration,
  seededRandom,
  shuffledWith,
} from "@haymaker/contracts";

export const SOURCE = "/haymaker/select";

/** The scenario ids the catalogue offers. */
export type Catalogue = ReadonlySet<string>;

export function agentIdFor(index: number): string {
  return `a${String(index + 1).padStart(2, "0")}`;
}

export function selectAgents(
  run: EventOf<"run.validated">,
  catalogue: Catalogue,
): Array<EventOf<"agent.selected">> {
  const { data } = run;
  const scenarios =
    data.scenarios ?? pickAtRandom([...catalogue].sort(), AGENTS_PER_SIZE[data.size ?? "small"], data.runId);
  const missing = scenarios.filter((id) => !catalogue.has(id));
  if (missing.length > 0) {
    throw new UnprocessableEventError(
      DEAD_LETTER_REASONS.unknownScenario,
      `scenario${missing.length > 1 ? "s" : ""} ${missing.map((id) => `'${id}'`).join(", ")} not in the catalogue`,
    );
  }
  const durationMs = parseIsoDuration(data.duration) ?? 0;
  // The deadline counts from when the run was validated, so every redelivery computes the same one.
  const deadline = new Date(Date.parse(run.time) + durationMs).toISOString();
  return scenarios.map((scenarioId, index) => {
    const agentId = agentIdFor(index);
    return newEvent("agent.selected", {
      source: SOURCE,
      id: deterministicEventId(run.id, agentId, "agent.selected"),
      causationid: run.id,
      traceparent: run.traceparent,
      data: {
        runId: data.runId,
        agentId,
        scenarioId,
        index,
        total: scenarios.length,
        duration: data.duration,
        deadline,
        tags: data.tags,
      },
    });
  });
}

/** `count` distinct items (all of them when there are fewer), shuffled by a PRNG seeded from `seed`. */
function pickAtRandom(items: string[], count: number, seed: string): string[] {
  // The first four bytes of SHA-256(seed): every run id gives its own, reproducible order.
  const random = seededRandom(createHash("sha256").update(seed).digest().readUInt32LE(0));
  return shuffledWith(items, random).slice(0, Math.min(count, items.length));
}
