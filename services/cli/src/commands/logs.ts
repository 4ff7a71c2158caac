// logs: an agent's log lines, oldest first; with --follow, new lines as the agent writes them until it is
// done (exit 0), or until Ctrl+C (exit 130, quietly).
import { stringify } from "yaml";
import { agentPath, agentRefOf } from "../agent-ref.ts";
import { usageError } from "../cli-error.ts";
import { levelText } from "../colour.ts";
import { type Command, stringOption } from "../command.ts";
import { followLog, type LogRecord } from "../log-stream.ts";
import { print, type Terminal } from "../output.ts";
import { ALL_HELP, ALL_OPTION, noteMorePages, readPages } from "../pages.ts";

export const logCommands: Command[] = [
  {
    words: ["logs"],
    summary: "print an agent's log lines, oldest first; --follow streams new ones until it is done",
    options: {
      execution: { type: "string" },
      agent: { type: "string" },
      tail: { type: "string" },
      follow: { type: "boolean", short: "f" },
      ...ALL_OPTION,
    },
    optionHelp: [
      "--agent AGENT     the agent: RUN.AGENT, or its id with --execution (required)",
      "--execution RUN   the agent's run",
      "--tail N          only the last N lines (then, with --follow, every new one)",
      "-f, --follow      keep printing new lines until the agent is done (Ctrl+C stops)",
      ALL_HELP,
      "Lines print as `<time> <LEVEL> <message>`; --output json prints one JSON object per line",
      "with --follow (NDJSON), else the gateway's page of lines.",
    ],
    async run({ client, terminal, format, options }) {
      const agent = stringOption(options, "agent");
      if (agent === undefined) {
        throw usageError("usage: haymaker logs --agent RUN.AGENT [--tail N] [--follow]");
      }
      const ref = agentRefOf(agent, stringOption(options, "execution"));
      const tail = stringOption(options, "tail");
      if (tail !== undefined && !/^\d+$/.test(tail)) throw usageError("--tail must be a whole number");
      if (options.follow === true) {
        // Ctrl+C is how a person stops following: no message, the shell's usual 130.
        process.once("SIGINT", () => process.exit(130));
        await followLog(client(), ref, {
          tail,
          onLine: (line) => writeLine(terminal, format, line),
          onReconnect: (attempt, delayMs) =>
            terminal.note(`haymaker: log stream lost; reconnecting in ${delayMs} ms (try ${attempt})`),
        });
        return undefined;
      }
      const answer = await readPages<LogRecord>(
        client(),
        `${agentPath(ref)}/logs`,
        { tail },
        options.all === true,
      );
      if (format !== "table") print(terminal, format, answer, { rows: [], columns: [] });
      // Logs read best as whole lines, not as a table that cuts messages short.
      else for (const line of answer.items) writeLine(terminal, format, line);
      noteMorePages(terminal, answer, "log lines");
      return undefined;
    },
  },
];

function writeLine(terminal: Terminal, format: string, line: LogRecord): void {
  if (format === "json") terminal.write(JSON.stringify(line));
  else if (format === "yaml") terminal.write(`---\n${stringify(line)}`);
  else terminal.write(`${line.at} ${levelText(terminal, line.level)} ${line.message}`);
}
