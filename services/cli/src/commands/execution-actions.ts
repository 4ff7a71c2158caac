// executions cancel / report: stop a run, read what a run did.
import { usageError } from "../cli-error.ts";
import { type Command, stringOption } from "../command.ts";
import { FIELD_COLUMNS, fieldRows, print } from "../output.ts";

const REPORT_FORMATS = ["json", "markdown"];

interface RunReport {
  runId: string;
  status: string;
  generatedAt?: string;
  summary?: Record<string, number>;
  failure?: { phase: string; reason: string };
  agents?: { agentId: string; scenarioId: string; outcome?: string; errors?: string[] }[];
}

const executionPath = (id: string) => `/api/executions/${encodeURIComponent(id)}`;

export const executionActionCommands: Command[] = [
  {
    words: ["executions", "cancel"],
    args: ["id"],
    summary: "stop a run: its agents are stopped at their next check, then cleaned up",
    options: { reason: { type: "string" } },
    optionHelp: ["--reason TEXT     why, for the run's record"],
    async run({ client, terminal, format, options, args }) {
      const reason = stringOption(options, "reason");
      const answer = (await client().post(
        `${executionPath(args[0] ?? "")}/cancel`,
        reason === undefined ? {} : { reason },
      )) as { executionId: string; status: string };
      print(terminal, format, answer, { rows: fieldRows(answer), columns: FIELD_COLUMNS });
      return undefined;
    },
  },
  {
    words: ["executions", "report"],
    args: ["id"],
    summary: "print a finished run's report (JSON, or the Markdown as written)",
    options: { format: { type: "string" } },
    optionHelp: ["--format FMT      json (default, shaped by --output) or markdown (printed as is)"],
    async run({ client, terminal, format, options, args }) {
      const reportFormat = stringOption(options, "format") ?? "json";
      if (!REPORT_FORMATS.includes(reportFormat)) {
        throw usageError(`--format must be one of ${REPORT_FORMATS.join(", ")}, not '${reportFormat}'`);
      }
      const path = `${executionPath(args[0] ?? "")}/report`;
      if (reportFormat === "markdown") {
        terminal.write(await client().getText(path, { format: "markdown" }, "text/markdown"));
        return undefined;
      }
      const report = (await client().get(path)) as RunReport;
      if (format !== "table") {
        print(terminal, format, report, { rows: [], columns: [] });
        return undefined;
      }
      print(terminal, format, report, {
        rows: fieldRows({
          run: report.runId,
          status: report.status,
          generatedAt: report.generatedAt,
          summary: report.summary,
          failure: report.failure && `${report.failure.phase}: ${report.failure.reason}`,
        }),
        columns: FIELD_COLUMNS,
      });
      const agents = report.agents ?? [];
      if (agents.length > 0) {
        terminal.write("");
        print(terminal, format, report, {
          rows: agents,
          columns: [
            { header: "AGENT", value: (a) => a.agentId },
            { header: "SCENARIO", value: (a) => a.scenarioId },
            { header: "OUTCOME", value: (a) => a.outcome },
            { header: "ERRORS", value: (a) => (a.errors ?? []).join("; ") },
          ],
        });
      }
      return undefined;
    },
  },
];
