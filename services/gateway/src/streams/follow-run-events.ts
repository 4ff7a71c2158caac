// A run's events as a stream: each CloudEvent the projections applied for the run (all but log lines),
// named by its short type (e.g. agent.deployed), then `end` once the run reached its final status. Stored
// events are sent without their secret-bearing fields (identity.provisioned's secretRef and the like).
import { eventNameOf } from "@haymaker/contracts";
import type { ExecutionStatus, ProjectionStore } from "@haymaker/projections";
import { withoutSecrets } from "../without-secrets.ts";
import type { FollowSource, StreamItem } from "./sse-loop.ts";

const FINAL: ReadonlySet<ExecutionStatus> = new Set(["completed", "failed", "cancelled", "rejected"]);

export function runEventSource(store: ProjectionStore, runId: string): FollowSource {
  return {
    async read(after, limit): Promise<StreamItem[]> {
      const page = await store.runEvents(runId, { afterSequence: after, limit });
      return page.items.map((item) => ({
        sequence: item.sequence,
        event: eventNameOf(item.event.type),
        data: withoutSecrets(item.event),
      }));
    },
    async finished() {
      const run = await store.getExecution(runId);
      if (run === undefined || !FINAL.has(run.execution.status)) return undefined;
      return { data: { status: run.execution.status } };
    },
  };
}
