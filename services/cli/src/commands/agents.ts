// agents list and logs: who is doing what, and what they said.
import { usageError } from "../cli-error.ts";
import { type Command, stringOption } from "../command.ts";
import { print } from "../output.ts";
import { AGENT_COLUMNS, type AgentRecord } from "./executions.ts";

interface LogRecord {
  sequence: number;
  at: string;
  level: string;
  message: string;
}

export const agentCommands: Command[] = [
  {
    words: ["agents", "list"],
    summary: "list agents, optionally of one run",
    options: { execution: { type: "string" } },
    optionHelp: ["--execution ID    only the agents of this run"],
    async run({ client, terminal, format, options }) {
      const answer = (await client().get("/api/agents", {
        executionId: stringOption(options, "execution"),
      })) as { items: AgentRecord[] };
      print(terminal, format, answer, { rows: answer.items, columns: AGENT_COLUMNS, empty: "(no agents)" });
      return undefined;
    },
  },
  {
    words: ["logs"],
    summary: "print an agent's log lines, oldest first",
    options: { execution: { type: "string" }, agent: { type: "string" }, tail: { type: "string" } },
    optionHelp: [
      "--execution ID    the run (required)",
      "--agent AGENT     the agent (required)",
      "--tail N          only the last N lines",
    ],
    async run({ client, terminal, format, options }) {
      const execution = stringOption(options, "execution");
      const agent = stringOption(options, "agent");
      if (execution === undefined || agent === undefined) {
        throw usageError("usage: haymaker logs --execution ID --agent AGENT [--tail N]");
      }
      const tail = stringOption(options, "tail");
      if (tail !== undefined && !/^\d+$/.test(tail)) throw usageError("--tail must be a whole number");
      const path = `/api/executions/${encodeURIComponent(execution)}/agents/${encodeURIComponent(agent)}/logs`;
      const answer = (await client().get(path, { tail })) as { items: LogRecord[] };
      if (format !== "table") {
        print(terminal, format, answer, { rows: [], columns: [] });
        return undefined;
      }
      // Logs read best as whole lines, not as a table that cuts messages short.
      for (const line of answer.items) terminal.write(`${line.at} ${line.level.padEnd(5)} ${line.message}`);
      return undefined;
    },
  },
];
