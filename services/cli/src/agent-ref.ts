// An agent is named within its run: `run-20261124-060000-ab12.a01`, or `a01` with --execution RUN.
import { usageError } from "./cli-error.ts";

export interface AgentRef {
  runId: string;
  agentId: string;
}

export function agentRefOf(agent: string, execution: string | undefined): AgentRef {
  const dot = agent.lastIndexOf(".");
  if (dot === -1) {
    if (execution === undefined) {
      throw usageError(
        `name the agent's run: RUN.AGENT (e.g. run-20261124-060000-ab12.${agent}) or --execution RUN`,
      );
    }
    return { runId: execution, agentId: agent };
  }
  const runId = agent.slice(0, dot);
  const agentId = agent.slice(dot + 1);
  if (runId === "" || agentId === "") throw usageError(`an agent is RUN.AGENT, not '${agent}'`);
  if (execution !== undefined && execution !== runId) {
    throw usageError(`--execution ${execution} names another run than ${agent}`);
  }
  return { runId, agentId };
}

export const agentPath = ({ runId, agentId }: AgentRef) =>
  `/api/executions/${encodeURIComponent(runId)}/agents/${encodeURIComponent(agentId)}`;
