// Which events a run's event stream keeps: every event about a run (its data names the run) but an agent's
// log lines, which its log holds and which would outnumber everything else many times over.
import { eventNameOf, type HayMakerEvent } from "@haymaker/contracts";

/** The run whose stream keeps this event, or undefined when none does. */
export function runEventStreamOf(event: HayMakerEvent): string | undefined {
  if (eventNameOf(event.type) === "agent.log") return undefined;
  const runId = (event.data as { runId?: unknown }).runId;
  return typeof runId === "string" ? runId : undefined;
}
