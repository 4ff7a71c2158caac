// executions list / show: runs as the projections know them.
import { type Command, stringOption } from "../command.ts";
import { FIELD_COLUMNS, fieldRows, print } from "../output.ts";
import { ALL_HELP, ALL_OPTION, limitOption, noteMorePages, readPages } from "../pages.ts";
import type { Column } from "../table.ts";

export interface ExecutionRecord {
  runId: string;
  status: string;
  requestedBy?: string;
  requestedAt?: string;
  size?: string;
  scenarioIds: string[];
  duration?: string;
  agentCounts: { expected?: number; byStage: Record<string, number> };
  summary?: Record<string, number>;
  failure?: { phase: string; reason: string };
  failedChecks?: { check?: string; reason?: string }[];
}

export interface AgentRecord {
  runId: string;
  agentId: string;
  scenarioId: string;
  stage: string;
  outcome?: string;
  progress?: { message?: string };
  resources: { created: number; deleted: number; left: number };
}

export interface ExecutionWithAgents {
  execution: ExecutionRecord;
  agents: AgentRecord[];
  report?: unknown;
}

export const AGENT_COLUMNS: Column<AgentRecord>[] = [
  { header: "RUN", value: (a) => a.runId },
  { header: "AGENT", value: (a) => a.agentId },
  { header: "SCENARIO", value: (a) => a.scenarioId },
  { header: "STAGE", value: (a) => a.stage },
  { header: "OUTCOME", value: (a) => a.outcome },
  { header: "RESOURCES", value: (a) => `${a.resources.created}/${a.resources.deleted}/${a.resources.left}` },
];

const agentTotal = (e: ExecutionRecord) =>
  e.agentCounts.expected ?? Object.values(e.agentCounts.byStage).reduce((a, b) => a + b, 0);

export const EXECUTION_COLUMNS: Column<ExecutionRecord>[] = [
  { header: "ID", value: (e) => e.runId },
  { header: "STATUS", value: (e) => e.status },
  { header: "AGENTS", value: agentTotal },
  { header: "REQUESTED", value: (e) => e.requestedAt },
  { header: "BY", value: (e) => e.requestedBy },
  { header: "SCENARIOS", value: (e) => e.scenarioIds },
];

export const executionCommands: Command[] = [
  {
    words: ["executions", "list"],
    summary: "list runs, newest first",
    options: { status: { type: "string" }, limit: { type: "string" }, ...ALL_OPTION },
    optionHelp: [
      "--status STATUS   only runs in this status",
      "--limit N         at most N runs (a page of N with --all)",
      ALL_HELP,
    ],
    async run({ client, terminal, format, options }) {
      const limit = limitOption(options);
      const answer = await readPages<ExecutionRecord>(
        client(),
        "/api/executions",
        { status: stringOption(options, "status"), limit },
        options.all === true,
      );
      print(terminal, format, answer, {
        rows: answer.items,
        columns: EXECUTION_COLUMNS,
        empty: "(no executions)",
      });
      noteMorePages(terminal, answer, "executions");
      return undefined;
    },
  },
  {
    words: ["executions", "show"],
    args: ["id"],
    summary: "show one run, its agents and its report summary",
    async run({ client, terminal, format, args }) {
      const answer = (await client().get(
        `/api/executions/${encodeURIComponent(args[0] ?? "")}`,
      )) as ExecutionWithAgents;
      printExecution(terminal, format, answer);
      return undefined;
    },
  },
];

export function printExecution(
  terminal: Parameters<typeof print>[0],
  format: Parameters<typeof print>[1],
  answer: ExecutionWithAgents,
): void {
  if (format !== "table") {
    print(terminal, format, answer, { rows: [], columns: [] });
    return;
  }
  const e = answer.execution;
  print(terminal, format, answer, {
    rows: fieldRows({
      id: e.runId,
      status: e.status,
      requestedBy: e.requestedBy,
      requestedAt: e.requestedAt,
      duration: e.duration,
      scenarios: e.scenarioIds,
      agents: agentTotal(e),
      summary: e.summary,
      failure: e.failure && `${e.failure.phase}: ${e.failure.reason}`,
      failedChecks: e.failedChecks?.map((c) => c.reason ?? c.check),
    }),
    columns: FIELD_COLUMNS,
  });
  if (answer.agents.length > 0) {
    terminal.write("");
    print(terminal, format, answer.agents, { rows: answer.agents, columns: AGENT_COLUMNS.slice(1) });
  }
}
