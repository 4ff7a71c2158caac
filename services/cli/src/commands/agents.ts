// agents list / show: who is doing what in which run.
import { agentRefOf } from "../agent-ref.ts";
import { CliError, EXIT } from "../cli-error.ts";
import { type Command, stringOption } from "../command.ts";
import type { GatewayClient } from "../gateway-client.ts";
import { FIELD_COLUMNS, fieldRows, print } from "../output.ts";
import { ALL_HELP, ALL_OPTION, noteMorePages, readPages } from "../pages.ts";
import { AGENT_COLUMNS, type AgentRecord } from "./executions.ts";

interface AgentDetail extends AgentRecord {
  timeline?: Record<string, string>;
  identity?: { displayName: string; appId: string };
  resourceGroup?: string;
  deadline?: string;
  duration?: string;
  reason?: string;
  exitCode?: number;
  logCount?: number;
}

export const agentCommands: Command[] = [
  {
    words: ["agents", "list"],
    summary: "list agents, optionally of one run",
    options: { execution: { type: "string" }, ...ALL_OPTION },
    optionHelp: ["--execution ID    only the agents of this run", ALL_HELP],
    async run({ client, terminal, format, options }) {
      const answer = await readPages<AgentRecord>(
        client(),
        "/api/agents",
        { executionId: stringOption(options, "execution") },
        options.all === true,
      );
      print(terminal, format, answer, { rows: answer.items, columns: AGENT_COLUMNS, empty: "(no agents)" });
      noteMorePages(terminal, answer, "agents");
      return undefined;
    },
  },
  {
    words: ["agents", "show"],
    args: ["agent"],
    summary: "show one agent (RUN.AGENT): its stage, outcome, identity and timeline",
    options: { execution: { type: "string" } },
    optionHelp: ["--execution RUN   the agent's run, when AGENT is only its id (a01)"],
    async run({ client, terminal, format, options, args }) {
      const ref = agentRefOf(args[0] ?? "", stringOption(options, "execution"));
      const agent = await readAgent(client(), ref.runId, ref.agentId);
      if (format !== "table") {
        print(terminal, format, agent, { rows: [], columns: [] });
        return undefined;
      }
      print(terminal, format, agent, {
        rows: fieldRows({
          run: agent.runId,
          agent: agent.agentId,
          scenario: agent.scenarioId,
          stage: agent.stage,
          outcome: agent.outcome ?? "(not yet)",
          reason: agent.reason,
          exitCode: agent.exitCode,
          identity: agent.identity && `${agent.identity.displayName} (app ${agent.identity.appId})`,
          resourceGroup: agent.resourceGroup,
          duration: agent.duration,
          deadline: agent.deadline,
          progress: agent.progress?.message,
          resources: agent.resources,
          logLines: agent.logCount,
        }),
        columns: FIELD_COLUMNS,
      });
      const timeline = Object.entries(agent.timeline ?? {}).sort(([, a], [, b]) => a.localeCompare(b));
      if (timeline.length > 0) {
        terminal.write("");
        print(terminal, format, agent, {
          rows: timeline,
          columns: [
            { header: "STAGE", value: ([stage]) => stage },
            { header: "AT", value: ([, at]) => at },
          ],
        });
      }
      return undefined;
    },
  },
];

/**
 * GET /api/agents/{run}.{agent}; a gateway from before that route answers its generic 404 "NotFound"
 * (no such route), and the same record is then read from /api/executions/{run}/agents/{agent}.
 */
async function readAgent(client: GatewayClient, runId: string, agentId: string): Promise<AgentDetail> {
  try {
    return (await client.get(`/api/agents/${encodeURIComponent(`${runId}.${agentId}`)}`)) as AgentDetail;
  } catch (error) {
    if (!(error instanceof CliError && error.exitCode === EXIT.notFound && error.code === "NotFound")) {
      throw error;
    }
  }
  return (await client.get(
    `/api/executions/${encodeURIComponent(runId)}/agents/${encodeURIComponent(agentId)}`,
  )) as AgentDetail;
}
