// monitor as a phase (resident, or one job execution with --until-idle): consumes its subscriptions on
// agent-deployed, agent-check and run-cancel-requested, looks at agents through the agent runtime, and
// schedules its next looks on the bus.

import type { HandlerContext } from "@haymaker/bus";
import { runPhase } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import type { HayMakerEvent } from "@haymaker/contracts";
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

function logged(event: HayMakerEvent, done: MonitorAction, context: HandlerContext): void {
  const agentId = "agentId" in event.data ? event.data.agentId : undefined;
  context.logger.info({ agentId, ...done }, `monitor ${done.action}`);
}

export async function main(): Promise<void> {
  const config = configOrExit(monitorConfig);
  const ledger = await openMonitorLedger(config.cosmos, config.dataDirectory);
  await runPhase({
    phase: "monitor",
    config,
    close: [() => ledger.close()],
    startFields: {
      source: SOURCE,
      intervalMs: config.intervalMs,
      graceMs: config.graceMs,
      data: config.dataDirectory,
    },
    handlers: ({ publisher }) => {
      const ports: MonitorPorts = {
        runtime: config.runtime,
        ledger,
        bus: publisher,
        now: () => new Date(),
        intervalMs: config.intervalMs,
        graceMs: config.graceMs,
      };
      return {
        "agent.deployed": async (event, context) =>
          logged(event, await onAgentDeployed(event, ports), context),
        "agent.check": async (event, context) => logged(event, await onAgentCheck(event, ports), context),
        "run.cancel.requested": async (event, context) =>
          logged(event, await onRunCancelRequested(event, ports), context),
      };
    },
  });
}
