// monitor as a running service: consumes its subscriptions on agent-deployed, agent-check and
// run-cancel-requested, looks at local agents through the process runtime's state under the data directory,
// and schedules its next looks on the bus. Stops cleanly on SIGTERM/SIGINT, finishing what it has in hand.
import { consume, createBusClient, EventPublisher } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import { eventNameOf, type HayMakerEvent, subscriptionsOf } from "@haymaker/contracts";
import { createLogger } from "@haymaker/logging";
import { monitorConfig } from "./config.ts";
import {
  type MonitorAction,
  type MonitorPorts,
  onAgentCheck,
  onAgentDeployed,
  onRunCancelRequested,
  SOURCE,
} from "./handler.ts";
import { openMonitorLedger } from "./open-ledger.ts";

function dispatch(event: HayMakerEvent, ports: MonitorPorts): Promise<MonitorAction> {
  switch (event.type) {
    case "com.haymaker.agent.deployed.v1":
      return onAgentDeployed(event, ports);
    case "com.haymaker.agent.check.v1":
      return onAgentCheck(event, ports);
    case "com.haymaker.run.cancel.requested.v1":
      return onRunCancelRequested(event, ports);
    default:
      throw new Error(`monitor does not handle ${event.type}`);
  }
}

export async function main(): Promise<void> {
  const config = configOrExit(monitorConfig);
  const logger = createLogger({ service: "monitor", level: config.logLevel });
  const ledger = await openMonitorLedger(config.cosmos, config.dataDirectory);
  const client = createBusClient(config.bus);
  const publisher = new EventPublisher(client);
  const ports: MonitorPorts = {
    runtime: config.runtime,
    ledger,
    bus: publisher,
    now: () => new Date(),
    intervalMs: config.intervalMs,
    graceMs: config.graceMs,
  };
  const consumers = subscriptionsOf("monitor").map((subscription) =>
    consume(client, {
      topic: subscription.topic,
      subscription: subscription.name,
      accepts: subscription.eventTypes.map(eventNameOf),
      concurrency: config.concurrency,
      logger,
      handler: async (event, context) => {
        const done = await dispatch(event, ports);
        const agentId = "agentId" in event.data ? event.data.agentId : undefined;
        context.logger.info({ agentId, ...done }, `monitor ${done.action}`);
      },
    }),
  );
  logger.info(
    { source: SOURCE, intervalMs: config.intervalMs, graceMs: config.graceMs, data: config.dataDirectory },
    "monitor is running",
  );
  const stop = async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await publisher.close();
    await client.close();
    ledger.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}
