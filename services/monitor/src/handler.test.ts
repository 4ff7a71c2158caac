import { newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA, type HayMakerEvent } from "@haymaker/contracts";
import { AgentNotFoundError, type AgentRuntime, type AgentSpec, type AgentStatus } from "@haymaker/runtime";
import { beforeEach, describe, expect, it } from "vitest";
import { type MonitorPorts, onAgentCheck, onAgentDeployed, onRunCancelRequested } from "./handler.ts";
import { SqliteMonitorLedger } from "./ledger.ts";

const MINUTE = 60_000;
const RUN = "run-monitor-test";
const REF = `local:haymaker-${RUN}-a01`;
const DEPLOYED_AT = "2026-11-24T06:00:00.000Z";
const DEADLINE = "2026-11-24T08:00:00.000Z";

/** The runtime port with scripted statuses: tests set what the agent is doing; stops are recorded. */
class ScriptedRuntime implements AgentRuntime {
  readonly statuses = new Map<string, AgentStatus>();
  readonly stops: string[] = [];
  async check(): Promise<void> {}
  async start(_spec: AgentSpec): Promise<string> {
    throw new Error("monitor never starts agents");
  }
  async find(_name: string): Promise<string | undefined> {
    throw new Error("monitor never looks agents up by name");
  }
  async status(ref: string): Promise<AgentStatus> {
    const status = this.statuses.get(ref);
    if (status === undefined) throw new AgentNotFoundError(`no local agent ${ref}`);
    return status;
  }
  async stop(ref: string): Promise<void> {
    this.stops.push(ref);
  }
}

/** Captures what monitor publishes and schedules, instead of a bus. */
class CapturingBus {
  readonly published: HayMakerEvent[] = [];
  readonly scheduled: Array<{ event: EventOf<"agent.check">; at: Date }> = [];
  failNextSchedule = false;
  async publish(event: HayMakerEvent): Promise<void> {
    this.published.push(event);
  }
  async schedule(event: HayMakerEvent, at: Date): Promise<bigint> {
    if (this.failNextSchedule) {
      this.failNextSchedule = false;
      throw new Error("the bus is unreachable");
    }
    this.scheduled.push({ event: event as EventOf<"agent.check">, at });
    return BigInt(this.scheduled.length);
  }
  get finished(): Array<EventOf<"agent.finished">> {
    return this.published.filter(
      (e): e is EventOf<"agent.finished"> => e.type === "com.haymaker.agent.finished.v1",
    );
  }
  lastCheck(): EventOf<"agent.check"> {
    const last = this.scheduled.at(-1);
    if (!last) throw new Error("nothing scheduled");
    return last.event;
  }
}

function deployed(data: Partial<EventOf<"agent.deployed">["data"]> = {}): EventOf<"agent.deployed"> {
  return newEvent("agent.deployed", {
    source: "/haymaker/deploy",
    data: {
      ...EXAMPLE_DATA["agent.deployed"],
      runId: RUN,
      resourceGroup: `haymaker-${RUN}-a01`,
      runtimeRef: REF,
      deployedAt: DEPLOYED_AT,
      deadline: DEADLINE,
      ...data,
    },
  });
}

const running: AgentStatus = { state: "running", startedAt: DEPLOYED_AT };

describe("monitor", () => {
  let clock: Date;
  let runtime: ScriptedRuntime;
  let bus: CapturingBus;
  let ledger: SqliteMonitorLedger;
  let ports: MonitorPorts;
  beforeEach(() => {
    clock = new Date(DEPLOYED_AT);
    runtime = new ScriptedRuntime();
    bus = new CapturingBus();
    ledger = new SqliteMonitorLedger();
    ports = { runtime, ledger, bus, now: () => clock, intervalMs: 15 * MINUTE, graceMs: 2 * MINUTE };
    runtime.statuses.set(REF, running);
  });

  /** The check monitor scheduled last, handled at the time it was scheduled for. */
  async function handleNextCheck() {
    const next = bus.scheduled.at(-1);
    if (!next) throw new Error("nothing scheduled");
    clock = next.at;
    return onAgentCheck(next.event, ports);
  }

  it("schedules the first check one interval after deployment, carrying the agent and its deployment time", async () => {
    const event = deployed();
    expect(await onAgentDeployed(event, ports)).toMatchObject({ action: "scheduled", checkNumber: 1 });
    const [first] = bus.scheduled;
    expect(first?.at.toISOString()).toBe("2026-11-24T06:15:00.000Z");
    expect(first?.event).toMatchObject({
      type: "com.haymaker.agent.check.v1",
      source: "/haymaker/monitor",
      causationid: event.id,
      subject: `runs/${RUN}/agents/a01`,
      data: {
        runId: RUN,
        agentId: "a01",
        runtimeRef: REF,
        deployedAt: DEPLOYED_AT,
        deadline: DEADLINE,
        checkNumber: 1,
      },
    });
    expect(bus.published).toEqual([]);
  });

  it("schedules the first check at the deadline when that comes before the interval", async () => {
    await onAgentDeployed(deployed({ deadline: "2026-11-24T06:05:00.000Z" }), ports);
    expect(bus.scheduled[0]?.at.toISOString()).toBe("2026-11-24T06:05:00.000Z");
  });

  it("keeps looking at a running agent every interval, the last look at its deadline", async () => {
    await onAgentDeployed(deployed({ deadline: "2026-11-24T06:40:00.000Z" }), ports);
    expect(await handleNextCheck()).toMatchObject({ action: "scheduled", checkNumber: 2, stopping: false });
    expect(await handleNextCheck()).toMatchObject({ action: "scheduled", checkNumber: 3 });
    expect(bus.scheduled.map((s) => s.at.toISOString())).toEqual([
      "2026-11-24T06:15:00.000Z",
      "2026-11-24T06:30:00.000Z",
      "2026-11-24T06:40:00.000Z",
    ]);
    expect(runtime.stops).toEqual([]);
    expect(bus.published).toEqual([]);
  });

  it("finishes an agent that ended early at once, as completed, and looks no more", async () => {
    await onAgentDeployed(deployed(), ports);
    runtime.statuses.set(REF, {
      state: "succeeded",
      exitCode: 0,
      startedAt: DEPLOYED_AT,
      finishedAt: "2026-11-24T06:12:00.000Z",
    });
    const check = bus.lastCheck();
    expect(await handleNextCheck()).toEqual({ action: "finished", outcome: "completed" });
    expect(bus.scheduled).toHaveLength(1);
    expect(bus.finished).toHaveLength(1);
    expect(bus.finished[0]).toMatchObject({
      type: "com.haymaker.agent.finished.v1",
      causationid: check.id,
      data: {
        runId: RUN,
        agentId: "a01",
        runtimeRef: REF,
        outcome: "completed",
        exitCode: 0,
        deployedAt: DEPLOYED_AT,
        finishedAt: "2026-11-24T06:12:00.000Z",
      },
    });
    expect(bus.finished[0]?.data.reason).toBeUndefined();
  });

  it.each([
    [1, "a scenario step failed (exit code 1)"],
    [2, "the agent's configuration was bad (exit code 2)"],
    [3, "access denied: the agent's identity was refused (e.g. outside its resource group) (exit code 3)"],
    [4, "cleanup left resources behind (exit code 4)"],
    [143, "stopped by a signal (exit code 143)"],
    [7, "exited with code 7"],
  ])("finishes an agent that exited with %i as failed: %s", async (exitCode, reason) => {
    await onAgentDeployed(deployed(), ports);
    runtime.statuses.set(REF, { state: "failed", exitCode, finishedAt: "2026-11-24T06:10:00.000Z" });
    await handleNextCheck();
    expect(bus.finished[0]?.data).toMatchObject({ outcome: "failed", exitCode, reason });
  });

  it("says what the runtime knows when a failed agent left no exit code", async () => {
    await onAgentDeployed(deployed(), ports);
    runtime.statuses.set(REF, { state: "failed", detail: "its supervisor is gone (the machine restarted)" });
    await handleNextCheck();
    expect(bus.finished[0]?.data).toMatchObject({
      outcome: "failed",
      reason: "its supervisor is gone (the machine restarted)",
      finishedAt: "2026-11-24T06:15:00.000Z",
    });
    expect(bus.finished[0]?.data.exitCode).toBeUndefined();
  });

  it("stops an agent still running at its deadline, and finishes it as timed-out once it has stopped", async () => {
    await onAgentDeployed(deployed({ deadline: "2026-11-24T06:15:00.000Z" }), ports);
    expect(await handleNextCheck()).toMatchObject({ action: "scheduled", checkNumber: 2, stopping: true });
    expect(runtime.stops).toEqual([REF]);
    // The next look comes soon (a quarter of the grace period), not a whole interval later.
    expect(bus.scheduled[1]?.at.toISOString()).toBe("2026-11-24T06:15:30.000Z");
    expect(bus.published).toEqual([]);

    runtime.statuses.set(REF, { state: "stopped", exitCode: 143, finishedAt: "2026-11-24T06:15:20.000Z" });
    expect(await handleNextCheck()).toMatchObject({ action: "finished", outcome: "timed-out" });
    expect(bus.finished[0]?.data).toMatchObject({
      outcome: "timed-out",
      exitCode: 143,
      reason: "still running at its deadline, so it was stopped",
      finishedAt: "2026-11-24T06:15:20.000Z",
    });
  });

  it("finishes as completed an agent that had done all its work when the stop at its deadline reached it", async () => {
    await onAgentDeployed(deployed({ deadline: "2026-11-24T06:15:00.000Z" }), ports);
    await handleNextCheck();
    expect(runtime.stops).toEqual([REF]);
    // Exit 0, not 143: it was closing its connections, its scenario done and cleaned up.
    runtime.statuses.set(REF, { state: "stopped", exitCode: 0, finishedAt: "2026-11-24T06:15:01.000Z" });
    expect(await handleNextCheck()).toMatchObject({ action: "finished", outcome: "completed" });
    expect(bus.finished[0]?.data.reason).toBeUndefined();
  });

  it("says so when an agent stopped at its deadline left resources behind", async () => {
    await onAgentDeployed(deployed({ deadline: "2026-11-24T06:15:00.000Z" }), ports);
    await handleNextCheck();
    runtime.statuses.set(REF, { state: "stopped", exitCode: 4, finishedAt: "2026-11-24T06:16:00.000Z" });
    await handleNextCheck();
    expect(bus.finished[0]?.data).toMatchObject({
      outcome: "timed-out",
      reason:
        "still running at its deadline, so it was stopped; then cleanup left resources behind (exit code 4)",
    });
  });

  it("gives up on an agent that does not stop: timed-out anyway once grace + interval have passed", async () => {
    ports.intervalMs = 1 * MINUTE;
    await onAgentDeployed(deployed({ deadline: "2026-11-24T06:01:00.000Z" }), ports);
    const actions = [];
    for (let i = 0; i < 20 && bus.finished.length === 0; i++) actions.push(await handleNextCheck());
    // Asked at the deadline (06:01), then every 30 s until 3 minutes (grace + interval) had passed.
    expect(actions.at(-1)).toMatchObject({ action: "finished", outcome: "timed-out" });
    expect(runtime.stops.length).toBeGreaterThanOrEqual(2);
    expect(clock.getTime() - Date.parse("2026-11-24T06:01:00.000Z")).toBeGreaterThan(3 * MINUTE);
    expect(clock.getTime() - Date.parse("2026-11-24T06:01:00.000Z")).toBeLessThanOrEqual(3.5 * MINUTE);
    expect(bus.finished[0]?.data.reason).toBe(
      "still running at its deadline; it did not stop within its grace period after being asked to (the runtime kills it)",
    );
    expect(bus.finished[0]?.data.exitCode).toBeUndefined();
  });

  it("stops the agents of a cancelled run at their next check and finishes them as cancelled", async () => {
    await onAgentDeployed(deployed(), ports);
    const cancel = newEvent("run.cancel.requested", {
      source: "/haymaker/gateway",
      data: { runId: RUN, requestedBy: "operator:alice@contoso.com", reason: "maintenance window" },
    });
    expect(await onRunCancelRequested(cancel, ports)).toEqual({ action: "recorded-cancel" });
    expect(runtime.stops).toEqual([]);

    expect(await handleNextCheck()).toMatchObject({ action: "scheduled", stopping: true });
    expect(runtime.stops).toEqual([REF]);
    runtime.statuses.set(REF, { state: "stopped", exitCode: 143, finishedAt: "2026-11-24T06:15:10.000Z" });
    await handleNextCheck();
    expect(bus.finished[0]?.data).toMatchObject({
      outcome: "cancelled",
      exitCode: 143,
      reason: "the run was cancelled by operator:alice@contoso.com: maintenance window",
    });
  });

  it("leaves other runs' agents alone when a run is cancelled, and keeps the first cancellation", async () => {
    const cancel = (by: string) =>
      newEvent("run.cancel.requested", {
        source: "/haymaker/gateway",
        data: { runId: "run-other", requestedBy: by },
      });
    await onRunCancelRequested(cancel("operator:first"), ports);
    await onRunCancelRequested(cancel("operator:second"), ports);
    expect((await ledger.cancelledRun("run-other"))?.requestedBy).toBe("operator:first");

    await onAgentDeployed(deployed(), ports);
    expect(await handleNextCheck()).toMatchObject({ action: "scheduled", stopping: false });
    expect(runtime.stops).toEqual([]);
  });

  it("looks at once at an agent deployed after its run was cancelled", async () => {
    await onRunCancelRequested(
      newEvent("run.cancel.requested", {
        source: "/haymaker/gateway",
        data: { runId: RUN, requestedBy: "cli" },
      }),
      ports,
    );
    clock = new Date("2026-11-24T06:01:00.000Z");
    await onAgentDeployed(deployed(), ports);
    expect(bus.scheduled[0]?.at.toISOString()).toBe("2026-11-24T06:01:00.000Z");
  });

  it("finishes as failed an agent stopped before its deadline by someone else", async () => {
    await onAgentDeployed(deployed(), ports);
    runtime.statuses.set(REF, { state: "stopped", exitCode: 143, finishedAt: "2026-11-24T06:10:00.000Z" });
    await handleNextCheck();
    expect(bus.finished[0]?.data).toMatchObject({
      outcome: "failed",
      reason: "stopped before its deadline, not by HayMaker",
    });
  });

  it("finishes as failed an agent the runtime has no record of, so cleanup still runs", async () => {
    await onAgentDeployed(deployed(), ports);
    runtime.statuses.clear();
    await handleNextCheck();
    expect(bus.finished[0]?.data).toMatchObject({
      outcome: "failed",
      reason: `the runtime has no record of it: no local agent ${REF}`,
    });
  });

  it("schedules the same next check (same event id) when a check is retried after a failure", async () => {
    await onAgentDeployed(deployed(), ports);
    const check = bus.lastCheck();
    clock = new Date("2026-11-24T06:15:00.000Z");
    bus.failNextSchedule = true;
    await expect(onAgentCheck(check, ports)).rejects.toThrow("the bus is unreachable");
    clock = new Date("2026-11-24T06:15:02.000Z");
    await onAgentCheck(check, ports);
    const again = deployed();
    await onAgentDeployed(again, ports);
    expect(bus.scheduled.map((s) => s.event.data.checkNumber)).toEqual([1, 2, 1]);
    expect(bus.scheduled[2]?.event.id).toBe(bus.scheduled[0]?.event.id);
    expect(bus.scheduled[1]?.event.id).not.toBe(bus.scheduled[0]?.event.id);
  });

  it("handles a check delivered twice only once, so the checks never fork into two chains", async () => {
    await onAgentDeployed(deployed(), ports);
    const check = bus.lastCheck();
    clock = new Date("2026-11-24T06:15:00.000Z");
    await onAgentCheck(check, ports);
    expect(await onAgentCheck(check, ports)).toEqual({ action: "skipped", why: "check already handled" });
    expect(bus.scheduled.map((s) => s.event.data.checkNumber)).toEqual([1, 2]);
  });

  it("publishes one agent.finished id per agent, whichever check saw it end", async () => {
    await onAgentDeployed(deployed(), ports);
    runtime.statuses.set(REF, { state: "succeeded", exitCode: 0, finishedAt: "2026-11-24T06:12:00.000Z" });
    const first = bus.lastCheck();
    clock = new Date("2026-11-24T06:15:00.000Z");
    await onAgentCheck(first, ports);
    const another = newEvent("agent.check", {
      source: "/haymaker/monitor",
      data: { ...first.data, checkNumber: 9 },
    });
    await onAgentCheck(another, ports);
    expect(bus.finished).toHaveLength(2);
    expect(bus.finished[1]?.id).toBe(bus.finished[0]?.id);
    expect(bus.finished[1]?.data).toEqual(bus.finished[0]?.data);
  });
});
