// report as a running service: consumes agent.cleaned, run.rejected, run.failed and the report.due it
// schedules for itself, keeps the run ledger where its settings say (<data dir>/report.sqlite, or Cosmos DB's
// state container), writes reports to the report store and publishes run.completed. Stops cleanly on
// SIGTERM/SIGINT, finishing what it has in hand.
import { consume, createBusClient, EventPublisher } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import { subscriptionsOf } from "@haymaker/contracts";
import { createLogger } from "@haymaker/logging";
import { reportConfig } from "./config.ts";
import { onAgentCleaned, onReportDue, onRunFailed, onRunRejected, SOURCE } from "./handler.ts";
import { openRunLedger } from "./open-run-ledger.ts";

export async function main(): Promise<void> {
  const config = configOrExit(reportConfig);
  const logger = createLogger({ service: "report", level: config.logLevel });
  const ledger = await openRunLedger(config.cosmos, config.dataDirectory);
  const client = createBusClient(config.bus);
  const publisher = new EventPublisher(client);
  const ports = {
    ledger,
    cloud: config.cloud,
    reports: config.reports,
    bus: publisher,
    settleMs: config.activityLogSettleMs,
  };
  const consumers = subscriptionsOf("report").map((subscription) =>
    consume(client, {
      topic: subscription.topic,
      subscription: subscription.name,
      accepts: ["agent.cleaned", "run.rejected", "run.failed", "report.due"],
      logger,
      handler: async (event, context) => {
        const completed =
          event.type === "com.haymaker.agent.cleaned.v1"
            ? await onAgentCleaned(event, ports)
            : event.type === "com.haymaker.report.due.v1"
              ? await onReportDue(event, ports)
              : event.type === "com.haymaker.run.rejected.v1"
                ? await onRunRejected(event, ports)
                : await onRunFailed(event, ports);
        if (completed === undefined) {
          context.logger.debug("recorded; the run has agents still to clean, or its Activity Log to settle");
          return;
        }
        await publisher.publish(completed);
        context.logger.info(
          { summary: completed.data.summary, report: completed.data.report },
          "report written",
        );
      },
    }),
  );
  logger.info({ source: SOURCE }, "report is running");
  const stop = async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await publisher.close();
    await client.close();
    await ledger.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}
