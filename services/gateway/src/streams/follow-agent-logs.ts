// An agent's log as a stream: its lines in the order received, then `end` once the agent has exited and
// its last lines had time to be projected (its lines are on the bus before it exits, but may be projected
// just after its exit is).
import { AGENT_PIPELINE_STAGES, type AgentRecord, type ProjectionStore } from "@haymaker/projections";
import type { FollowSource, StreamItem } from "./sse-loop.ts";

/** How long after an agent's exit its stream waits for lines still on their way. */
export const LATE_LINES_MS = 3_000;

const FINISHED = AGENT_PIPELINE_STAGES.indexOf("finished");

function isOver(agent: AgentRecord | undefined, now: number): boolean {
  if (agent === undefined) return false;
  if (agent.stage === "cleaned") return true;
  if (AGENT_PIPELINE_STAGES.indexOf(agent.stage) < FINISHED) return false;
  const exited = Date.parse(agent.timeline?.finished ?? agent.updatedAt);
  return now - exited >= LATE_LINES_MS;
}

export function agentLogSource(store: ProjectionStore, runId: string, agentId: string): FollowSource {
  return {
    async read(after, limit): Promise<StreamItem[]> {
      const page = await store.agentLogs(runId, agentId, { afterSequence: after, order: "received", limit });
      return page.items.map((line) => ({ sequence: line.sequence, event: "log", data: line }));
    },
    async finished() {
      const agent = await store.getAgent(runId, agentId);
      if (agent === undefined || !isOver(agent, Date.now())) return undefined;
      return { data: { stage: agent.stage, outcome: agent.outcome ?? null } };
    },
  };
}
