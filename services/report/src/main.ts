// report as a phase (resident, or one job execution with --until-idle): consumes agent.cleaned,
// run.rejected, run.failed and the report.due it schedules for itself, keeps the run ledger where its
// settings say (<data dir>/report.sqlite, or Cosmos DB's state container), writes reports to the report
// store and publishes run.completed.
import { type HandlerContext, runPhase } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import type { EventOf } from "@haymaker/contracts";
import { reportConfig } from "./config.ts";
import { onAgentCleaned, onReportDue, onRunFailed, onRunRejected, SOURCE } from "./handler.ts";
import { openRunLedger } from "./open-run-ledger.ts";

export async function main(): Promise<void> {
  const config = configOrExit(reportConfig);
  const ledger = await openRunLedger(config.cosmos, config.dataDirectory);
  await runPhase({
    phase: "report",
    config,
    close: [() => ledger.close()],
    startFields: { source: SOURCE },
    handlers: ({ publisher }) => {
      const ports = {
        ledger,
        cloud: config.cloud,
        reports: config.reports,
        bus: publisher,
        settleMs: config.activityLogSettleMs,
      };
      const publishIfDone = async (
        completed: EventOf<"run.completed"> | undefined,
        context: HandlerContext,
      ) => {
        if (completed === undefined) {
          context.logger.debug("recorded; the run has agents still to clean, or its Activity Log to settle");
          return;
        }
        await publisher.publish(completed);
        context.logger.info(
          { summary: completed.data.summary, report: completed.data.report },
          "report written",
        );
      };
      return {
        "agent.cleaned": async (event, context) => publishIfDone(await onAgentCleaned(event, ports), context),
        "report.due": async (event, context) => publishIfDone(await onReportDue(event, ports), context),
        "run.rejected": async (event, context) => publishIfDone(await onRunRejected(event, ports), context),
        "run.failed": async (event, context) => publishIfDone(await onRunFailed(event, ports), context),
      };
    },
  });
}
