// monitor: watches each deployed agent until it ends, without ever waiting inside a handler. Each look is an
// agent.check message it schedules for itself: at the next interval, or at the deadline if that comes first.
// An agent that ends is finished at once; one still running at its deadline, or whose run was cancelled, is
// asked to stop (it gets its grace period to clean up) and finished once it has, or given up on after
// grace + interval. Check and finish event ids derive from (run, agent, check number), so duplicates
// collapse; a check already handled is skipped, so a redelivery cannot fork a second chain of checks.
import { deterministicEventId, newEvent } from "@haymaker/cloudevents";
import type { EventOf, HayMakerEvent } from "@haymaker/contracts";
import { AgentNotFoundError, type AgentRuntime, type AgentStatus } from "@haymaker/runtime";
import type { MonitorLedger } from "./ledger.ts";
import { cancellationReason, type Judgement, judgeEnded } from "./outcome.ts";

export const SOURCE = "/haymaker/monitor";

/** The part of the bus monitor uses; EventPublisher is one. */
export interface MonitorBus {
  publish(event: HayMakerEvent): Promise<void>;
  schedule(event: HayMakerEvent, at: Date): Promise<unknown>;
}

export interface MonitorPorts {
  runtime: AgentRuntime;
  ledger: MonitorLedger;
  bus: MonitorBus;
  now: () => Date;
  /** Between two looks at a running agent. */
  intervalMs: number;
  /** How long an agent has to clean up once asked to stop; the same as the runtime gives it. */
  graceMs: number;
}

/** What a handler did, for the log line and for tests. */
export type MonitorAction =
  | { action: "scheduled"; checkNumber: number; at: string; stopping: boolean }
  | { action: "finished"; outcome: Judgement["outcome"]; reason?: string }
  | { action: "skipped"; why: string }
  | { action: "recorded-cancel" };

// While an agent is stopping, look more often than usual: its grace period is short next to the interval.
const MIN_STOPPING_POLL_MS = 1000;

type Check = EventOf<"agent.check">;
type Watched = EventOf<"agent.deployed"> | Check;

export async function onAgentDeployed(
  deployed: EventOf<"agent.deployed">,
  ports: MonitorPorts,
): Promise<MonitorAction> {
  const now = ports.now();
  const deadline = Date.parse(deployed.data.deadline);
  // An agent of a run cancelled before it was deployed is looked at (and stopped) at once.
  const cancelled = await ports.ledger.cancelledRun(deployed.data.runId);
  const at = cancelled ? now : new Date(Math.min(now.getTime() + ports.intervalMs, deadline));
  return scheduleCheck(deployed, 1, at, false, ports);
}

export async function onRunCancelRequested(
  cancel: EventOf<"run.cancel.requested">,
  ports: MonitorPorts,
): Promise<MonitorAction> {
  const { runId, requestedBy, reason } = cancel.data;
  await ports.ledger.cancelRun({
    runId,
    cancelledAt: new Date(cancel.time).toISOString(),
    requestedBy,
    ...(reason === undefined ? {} : { reason }),
  });
  return { action: "recorded-cancel" };
}

export async function onAgentCheck(check: Check, ports: MonitorPorts): Promise<MonitorAction> {
  if (await ports.ledger.checkHandled(check.id)) return { action: "skipped", why: "check already handled" };
  const action = await look(check, ports);
  await ports.ledger.markCheckHandled(check.id, ports.now());
  return action;
}

async function look(check: Check, ports: MonitorPorts): Promise<MonitorAction> {
  const { runtimeRef, runId } = check.data;
  const now = ports.now();
  const deadline = Date.parse(check.data.deadline);
  let status: AgentStatus;
  try {
    status = await ports.runtime.status(runtimeRef);
  } catch (error) {
    // Nothing will bring the agent back; finishing it lets cleanup, the safety net, run.
    if (!(error instanceof AgentNotFoundError)) throw error;
    return finish(
      check,
      { outcome: "failed", reason: `the runtime has no record of it: ${error.message}` },
      ports,
      {},
    );
  }
  const cancelled = await ports.ledger.cancelledRun(runId);

  if (status.state !== "running") {
    const stopRequestedAt = await ports.ledger.stopRequestedAt(runtimeRef);
    const endedAt = status.finishedAt ? Date.parse(status.finishedAt) : now.getTime();
    const judgement = judgeEnded({
      status,
      stoppedByMonitor: stopRequestedAt !== undefined,
      cancelled,
      deadlinePassed: endedAt >= deadline,
    });
    return finish(check, judgement, ports, status);
  }

  if (!cancelled && now.getTime() < deadline) {
    const at = new Date(Math.min(now.getTime() + ports.intervalMs, deadline));
    return scheduleCheck(check, check.data.checkNumber + 1, at, false, ports);
  }

  // Cancelled, or at its deadline: ask it to stop, then look again soon. The stop is recorded first, so a
  // crash right after still finishes the agent as stopped by monitor.
  const firstAsked = await ports.ledger.recordStopRequest(runtimeRef, now);
  const givingUpAt = firstAsked.getTime() + ports.graceMs + ports.intervalMs;
  if (now.getTime() > givingUpAt) {
    const why = cancelled ? cancellationReason(cancelled) : "still running at its deadline";
    return finish(
      check,
      {
        outcome: cancelled ? "cancelled" : "timed-out",
        reason: `${why}; it did not stop within its grace period after being asked to (the runtime kills it)`,
      },
      ports,
      {},
    );
  }
  await ports.runtime.stop(runtimeRef);
  const poll = Math.min(ports.intervalMs, Math.max(MIN_STOPPING_POLL_MS, ports.graceMs / 4));
  return scheduleCheck(check, check.data.checkNumber + 1, new Date(now.getTime() + poll), true, ports);
}

async function scheduleCheck(
  from: Watched,
  checkNumber: number,
  at: Date,
  stopping: boolean,
  ports: MonitorPorts,
): Promise<MonitorAction> {
  const { data } = from;
  const next = newEvent("agent.check", {
    source: SOURCE,
    id: deterministicEventId(SOURCE, data.runId, data.agentId, "agent.check", String(checkNumber)),
    causationid: from.id,
    traceparent: from.traceparent,
    tracestate: from.tracestate,
    data: {
      runId: data.runId,
      agentId: data.agentId,
      scenarioId: data.scenarioId,
      index: data.index,
      total: data.total,
      resourceGroup: data.resourceGroup,
      identity: data.identity,
      secretRef: data.secretRef,
      runtimeRef: data.runtimeRef,
      deadline: data.deadline,
      ...(data.deployedAt === undefined ? {} : { deployedAt: data.deployedAt }),
      checkNumber,
    },
  });
  await ports.bus.schedule(next, at);
  return { action: "scheduled", checkNumber, at: at.toISOString(), stopping };
}

async function finish(
  check: Check,
  judgement: Judgement,
  ports: MonitorPorts,
  status: Pick<AgentStatus, "exitCode" | "finishedAt">,
): Promise<MonitorAction> {
  const { data } = check;
  const reason = judgement.reason?.slice(0, 1024);
  const finished = newEvent("agent.finished", {
    source: SOURCE,
    // One finish per agent, whichever check saw it end.
    id: deterministicEventId(SOURCE, data.runId, data.agentId, "agent.finished"),
    causationid: check.id,
    traceparent: check.traceparent,
    tracestate: check.tracestate,
    data: {
      runId: data.runId,
      agentId: data.agentId,
      scenarioId: data.scenarioId,
      index: data.index,
      total: data.total,
      resourceGroup: data.resourceGroup,
      identity: data.identity,
      secretRef: data.secretRef,
      runtimeRef: data.runtimeRef,
      outcome: judgement.outcome,
      ...(data.deployedAt === undefined ? {} : { deployedAt: data.deployedAt }),
      ...(status.exitCode === undefined ? {} : { exitCode: status.exitCode }),
      finishedAt: status.finishedAt ?? ports.now().toISOString(),
      ...(reason === undefined ? {} : { reason }),
    },
  });
  await ports.bus.publish(finished);
  return { action: "finished", outcome: judgement.outcome, ...(reason === undefined ? {} : { reason }) };
}
