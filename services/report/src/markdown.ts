// report.md: the run report for people. A summary first, then one section per agent. Everything that
// came from outside (ids, reasons, Activity Log names) goes through text() or code(), so a value can
// neither break a table nor inject markup.
import type { AgentReport, RunReport } from "./run-report.ts";

export function renderMarkdown(report: RunReport): string {
  const lines = [
    `# HayMaker run ${code(report.runId)}`,
    "",
    `**Status:** ${report.status} · **Generated:** ${text(report.generatedAt)}`,
    "",
    "## Summary",
    "",
    ...table(
      ["Agents", "Completed", "Failed", "Timed out", "Cancelled", "Resources left"],
      [
        [
          report.summary.agents,
          report.summary.completed,
          report.summary.failed,
          report.summary.timedOut,
          report.summary.cancelled,
          report.summary.leftovers,
        ].map(String),
      ],
    ),
    ...rejectionSection(report),
    ...failureSection(report),
    ...agentsOverview(report.agents),
    ...report.agents.flatMap(agentSection),
  ];
  return `${lines.join("\n")}\n`;
}

function rejectionSection(report: RunReport): string[] {
  if (report.rejection === undefined) return [];
  const { requestedBy, requestedAt, failedChecks } = report.rejection;
  return [
    "",
    "## Rejected",
    "",
    `Requested by ${text(requestedBy)} at ${text(requestedAt)}; validation refused it, ` +
      "so no agent was started. These checks failed:",
    "",
    ...table(
      ["Check", "Message"],
      failedChecks.map(({ name, message }) => [code(name, true), text(message)]),
    ),
  ];
}

function failureSection(report: RunReport): string[] {
  if (report.failure === undefined) return [];
  const { phase, reason, failedAt } = report.failure;
  const agents =
    report.agents.length === 0
      ? "No agent had been cleaned up by then."
      : "The agents below had been cleaned up when this report was written.";
  return [
    "",
    "## Failed",
    "",
    `The run failed in the ${code(phase)} phase at ${text(failedAt)}: ${text(reason)}`,
    "",
    agents,
  ];
}

function agentsOverview(agents: readonly AgentReport[]): string[] {
  if (agents.length === 0) return [];
  return [
    "",
    "## Agents",
    "",
    ...table(
      [
        "Agent",
        "Scenario",
        "Outcome",
        "Duration",
        "Created",
        "Deleted",
        "Left",
        "Identity deleted",
        "Secret deleted",
        "Operations",
        "Failed operations",
      ],
      agents.map((agent) => [
        code(agent.agentId, true),
        code(agent.scenarioId, true),
        agent.outcome,
        duration(agent.durationSeconds),
        String(agent.resources.created.length),
        String(agent.resources.deleted.length),
        String(agent.resources.left.length),
        yesNo(agent.identity.deleted),
        yesNo(agent.secretDeleted),
        String(agent.activity.total),
        String(agent.activity.failed.length),
      ]),
    ),
  ];
}

function agentSection(agent: AgentReport): string[] {
  const { resources, activity } = agent;
  return [
    "",
    `## Agent ${code(agent.agentId)}: ${code(agent.scenarioId)}`,
    "",
    `- **Outcome:** ${agent.outcome}`,
    `- **Deployed:** ${agent.deployedAt === undefined ? "unknown" : text(agent.deployedAt)}; ` +
      `**finished:** ${agent.finishedAt === undefined ? "unknown" : text(agent.finishedAt)}; ` +
      `**duration:** ${duration(agent.durationSeconds)}`,
    `- **Resource group:** ${code(agent.resourceGroup)}`,
    `- **Identity:** ${code(agent.identity.displayName)} (application ${code(agent.identity.appId)}): ` +
      (agent.identity.deleted ? "deleted" : "**not deleted**"),
    `- **Secret:** ${agent.secretDeleted ? "deleted" : "**not deleted**"}`,
    "",
    "### Resources",
    "",
    ...idList(`Created by the agent (${resources.created.length})`, resources.created),
    ...idList(`Deleted (${resources.deleted.length})`, resources.deleted),
    `Left behind (${resources.left.length})${resources.left.length === 0 ? ": none." : ":"}`,
    ...(resources.left.length === 0
      ? []
      : [
          "",
          ...table(
            ["Resource", "Why"],
            resources.left.map((item) => [code(item.resourceId, true), text(item.reason)]),
          ),
        ]),
    "",
    "### Activity Log",
    "",
    `${activity.total} operation${activity.total === 1 ? "" : "s"} by the agent's identity ` +
      `from ${text(activity.from)} to ${text(activity.to)}.`,
    ...(activity.total === 0
      ? []
      : [
          "",
          ...table(
            ["Operation", "Count"],
            Object.entries(activity.byOperation).map(([name, count]) => [code(name, true), String(count)]),
          ),
        ]),
    ...(activity.failed.length === 0
      ? []
      : [
          "",
          `Failed operations (${activity.failed.length}):`,
          "",
          ...table(
            ["Time", "Operation", "Resource", "Status"],
            activity.failed.map((op) => [
              text(op.timestamp),
              code(op.operationName, true),
              code(op.resourceId, true),
              text(op.statusCode === undefined ? op.status : `${op.status} (${op.statusCode})`),
            ]),
          ),
        ]),
    "",
    "### Errors",
    "",
    ...(agent.errors.length === 0 ? ["None."] : agent.errors.map((error) => `- ${text(error)}`)),
  ];
}

function idList(title: string, ids: readonly string[]): string[] {
  if (ids.length === 0) return [`${title}: none.`, ""];
  return [`${title}:`, "", ...ids.map((id) => `- ${code(id)}`), ""];
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [row(header), row(header.map(() => "---")), ...rows.map(row)];
}

function yesNo(value: boolean): string {
  return value ? "yes" : "**no**";
}

/** 8h 2m, 3m 5s, 42s. */
function duration(seconds: number | undefined): string {
  if (seconds === undefined) return "unknown";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return s > 0 ? `${m}m ${s}s` : `${m}m`;
  return `${s}s`;
}

/**
 * Free text, safe anywhere in the document: characters Markdown or HTML would act on are escaped (a pipe
 * included, so it cannot split a table row), and line breaks become spaces.
 */
function text(value: string): string {
  return value.replace(/[\r\n]+/g, " ").replace(/[\\`*_[\]<>|~#&!]/g, "\\$&");
}

/**
 * A literal — an id, a name — as a code span, fenced with more backticks than it contains. Inside a table
 * its pipes are escaped too: GFM splits cells on them even within code.
 */
function code(value: string, inTable = false): string {
  const flat = value.replace(/[\r\n]+/g, " ");
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const padded = flat.startsWith("`") || flat.endsWith("`") ? ` ${flat} ` : flat;
  return `${fence}${inTable ? padded.replaceAll("|", "\\|") : padded}${fence}`;
}
