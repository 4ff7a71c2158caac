// validate: run.requested → run.validated, or run.rejected naming every blocking check that failed.
// Redelivery re-runs the checks (the world may have changed) but publishes under the same event id.
import { deterministicEventId, newEvent } from "@haymaker/cloudevents";
import type { EventOf } from "@haymaker/contracts";
import { runChecks, type ValidateDeps } from "./checks.ts";

export const SOURCE = "/haymaker/validate";

export async function validateRun(
  run: EventOf<"run.requested">,
  deps: ValidateDeps,
): Promise<EventOf<"run.validated"> | EventOf<"run.rejected">> {
  const results = await runChecks(run.data, deps);
  const failed = results.filter((r) => r.blocking && !r.ok);
  const common = { source: SOURCE, causationid: run.id, traceparent: run.traceparent };
  if (failed.length > 0) {
    return newEvent("run.rejected", {
      ...common,
      id: deterministicEventId(run.id, "run.rejected"),
      data: { ...run.data, failedChecks: failed.map((r) => ({ name: r.name, message: r.detail })) },
    });
  }
  return newEvent("run.validated", {
    ...common,
    id: deterministicEventId(run.id, "run.validated"),
    data: { ...run.data, checks: results.map((r) => ({ name: r.name, ok: r.ok, detail: r.detail })) },
  });
}
