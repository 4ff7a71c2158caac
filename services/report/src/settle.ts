// When a run's report may count its agents' operations. Azure shows an operation in the Activity Log 3 to 20
// minutes after it happened ("Activity logs are available for analysis and alerting in 3 to 20 minutes",
// Azure Monitor, data ingestion time), so a report written as soon as the last agent is cleaned would
// under-count: it waits until the settle window has passed since the run's last agent finished. The wait is
// a scheduled report.due message, never a sleep in the handler (docs/architecture.md, reliability rules).
import { deterministicEventId, newEvent } from "@haymaker/cloudevents";
import type { EventOf, HayMakerEvent } from "@haymaker/contracts";
import type { CleanedAgent } from "./run-ledger.ts";

/** When the Activity Log holds everything the run's agents did: the last of them finished, plus `settleMs`. */
export function settledAt(agents: readonly CleanedAgent[], settleMs: number): Date {
  // An agent's own calls end when it finishes; cleanup's calls are HayMaker's identity's, not counted.
  const finishes = agents.map((agent) => Date.parse(agent.data.finishedAt ?? agent.cleanedAt));
  return new Date(Math.max(...finishes) + settleMs);
}

/**
 * The reminder report sends itself for `dueAt`. Its id derives from the run and the time alone, so a
 * redelivered last agent.cleaned schedules the same message again, and the report it brings is the same.
 */
export function reportDue(
  cause: HayMakerEvent,
  source: string,
  run: { runId: string; total: number },
  dueAt: Date,
): EventOf<"report.due"> {
  return newEvent("report.due", {
    source,
    // The same id on redelivery. A replica whose clock is behind may schedule the same id again for a time
    // already past: harmless while the topology keeps duplicate detection off, which it must for this.
    id: deterministicEventId("report.due", run.runId, dueAt.toISOString()),
    causationid: cause.id,
    traceparent: cause.traceparent,
    tracestate: cause.tracestate,
    data: { runId: run.runId, total: run.total, dueAt: dueAt.toISOString() },
  });
}
