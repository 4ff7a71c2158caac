// report: the run's final artefact. Each agent.cleaned is recorded in the run ledger; once a run's last
// agent is in and the Activity Log has settled (settle.ts: at once, or by a report.due message it schedules
// for itself), it reads the Activity Log for every agent, writes the report (JSON and Markdown) and
// announces it with run.completed. A run that never got going (run.rejected) or failed as a whole
// (run.failed) gets a report too, saying so.
import type { CloudControl } from "@haymaker/cloud-control";
import { deterministicEventId, newEvent } from "@haymaker/cloudevents";
import type { EventOf, HayMakerEvent } from "@haymaker/contracts";
import type { ReportStore } from "@haymaker/stores";
import { renderMarkdown } from "./markdown.ts";
import type { CleanedAgent, RunLedger } from "./run-ledger.ts";
import {
  type AgentReport,
  activityWindow,
  buildAgentReport,
  completedReport,
  type RunReport,
  rejectedReport,
} from "./run-report.ts";
import { reportDue, settledAt } from "./settle.ts";

export const SOURCE = "/haymaker/report";

export interface ReportPorts {
  ledger: RunLedger;
  cloud: Pick<CloudControl, "activity">;
  reports: Pick<ReportStore, "put">;
  /** Where report schedules its own report.due; EventPublisher is one. */
  bus: { schedule(event: HayMakerEvent, at: Date): Promise<unknown> };
  /** How long after the run's last agent finished the Activity Log is taken to hold all it did. */
  settleMs: number;
  /** The end of each Activity Log window and the report's time; replaceable in tests. */
  now?: () => Date;
}

/**
 * Records the agent; when it was the run's last, writes the report and returns run.completed — or, when
 * the Activity Log has not settled yet, schedules report.due for when it has and returns undefined.
 */
export async function onAgentCleaned(
  cleaned: EventOf<"agent.cleaned">,
  ports: ReportPorts,
): Promise<EventOf<"run.completed"> | undefined> {
  const { runId, total } = cleaned.data;
  // A redelivery of the last agent's event finds the run complete again and rewrites the same report (or
  // schedules the same report.due): harmless, and what makes a failed write (or publish) recoverable.
  const recorded = await ports.ledger.recordCleaned({ data: cleaned.data, cleanedAt: cleaned.time });
  if (recorded < total) return undefined;
  return reportWhenSettled(cleaned, { runId, total }, ports);
}

/**
 * The reminder onAgentCleaned scheduled: the run's report is due. One that comes early (an operator's
 * replay) is put off again to its time; one for a run whose agents are not all recorded (a replay of a
 * run that was never reported) waits for its last agent.cleaned, which schedules its own.
 */
export async function onReportDue(
  due: EventOf<"report.due">,
  ports: ReportPorts,
): Promise<EventOf<"run.completed"> | undefined> {
  const { runId, total } = due.data;
  if ((await ports.ledger.cleanedAgents(runId)).length < total) return undefined;
  return reportWhenSettled(due, { runId, total }, ports);
}

async function reportWhenSettled(
  cause: EventOf<"agent.cleaned" | "report.due">,
  run: { runId: string; total: number },
  ports: ReportPorts,
): Promise<EventOf<"run.completed"> | undefined> {
  const now = (ports.now ?? (() => new Date()))();
  const cleaned = await ports.ledger.cleanedAgents(run.runId);
  const dueAt = settledAt(cleaned, ports.settleMs);
  if (now < dueAt) {
    await ports.bus.schedule(reportDue(cause, SOURCE, run, dueAt), dueAt);
    return undefined;
  }
  const agents = await agentReports(cleaned, ports.cloud, now);
  const report = completedReport(run.runId, agents, await ports.ledger.failureOf(run.runId), now);
  return publishable(cause, report, ports);
}

/**
 * A run validation refused: no agent ever started, so there is nothing to wait for. It still gets a report
 * and a run.completed (agents = 0) because the report is the run's final artefact whatever happened, and
 * consumers of run.completed (the dashboard, the CLI) find every run's report the same way. The run's
 * status stays "rejected" in the projections: run.completed carries a report, not a verdict.
 */
export async function onRunRejected(
  rejected: EventOf<"run.rejected">,
  ports: ReportPorts,
): Promise<EventOf<"run.completed">> {
  const now = (ports.now ?? (() => new Date()))();
  return publishable(rejected, rejectedReport(rejected.data, now), ports);
}

/**
 * A run failed as a whole. The failure is recorded, so the report written once its agents are all
 * cleaned still says so, and a report is written now with the agents the ledger already has — for the
 * same reason as a rejected run gets one: the run may never complete otherwise.
 */
export async function onRunFailed(
  failed: EventOf<"run.failed">,
  ports: ReportPorts,
): Promise<EventOf<"run.completed">> {
  const { runId, phase, reason } = failed.data;
  await ports.ledger.recordFailure(runId, { phase, reason, failedAt: failed.time });
  const now = (ports.now ?? (() => new Date()))();
  const agents = await agentReports(await ports.ledger.cleanedAgents(runId), ports.cloud, now);
  const report = completedReport(runId, agents, await ports.ledger.failureOf(runId), now);
  return publishable(failed, report, ports);
}

/** One Activity Log query per agent, one after another: 30 agents at once would only be throttled. */
async function agentReports(
  agents: readonly CleanedAgent[],
  cloud: Pick<CloudControl, "activity">,
  now: Date,
): Promise<AgentReport[]> {
  const reports: AgentReport[] = [];
  for (const agent of agents) {
    const window = activityWindow(agent, agents, now);
    const activity = await cloud.activity(window.from, window.to, agent.data.identity.appId);
    reports.push(buildAgentReport(agent, activity, window));
  }
  return reports;
}

async function publishable(
  cause: HayMakerEvent,
  report: RunReport,
  ports: ReportPorts,
): Promise<EventOf<"run.completed">> {
  const refs = await ports.reports.put(report.runId, { json: report, markdown: renderMarkdown(report) });
  return newEvent("run.completed", {
    source: SOURCE,
    // One id per run and number of agents reported: a redelivery repeats it, while the fuller report that
    // follows a run.failed (once the run's agents are all cleaned) is a new event, not a duplicate.
    id: deterministicEventId("run.completed", report.runId, String(report.summary.agents)),
    causationid: cause.id,
    traceparent: cause.traceparent,
    data: { runId: report.runId, report: refs, summary: report.summary },
  });
}
