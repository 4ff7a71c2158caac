// The report waits for the Activity Log to settle before counting: Azure shows an operation minutes after it
// happened, so a report written at once under-counts. The wait is a scheduled report.due, never a sleep.
import { randomUUID } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cloudControlFromEnv } from "@haymaker/cloud-control";
import { InMemoryCloudControl } from "@haymaker/cloud-control/testing";
import { deterministicEventId, newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA, type HayMakerEvent } from "@haymaker/contracts";
import { FileReportStore } from "@haymaker/stores";
import { startSandboxWithOrchestrator } from "@haymaker/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { onAgentCleaned, onReportDue, type ReportPorts } from "./handler.ts";
import type { RunReport } from "./run-report.ts";
import { SqliteRunLedger } from "./sqlite-run-ledger.ts";

const runId = "run-settle";

function cleaned(
  agentId: string,
  data: Partial<EventOf<"agent.cleaned">["data"]> = {},
): EventOf<"agent.cleaned"> {
  return newEvent("agent.cleaned", {
    source: "/haymaker/force-cleanup",
    data: {
      ...EXAMPLE_DATA["agent.cleaned"],
      runId,
      agentId,
      index: Number(agentId.slice(1)) - 1,
      total: 2,
      ...data,
    },
  });
}

/** What the bus was asked to deliver later. */
class ScheduleRecorder {
  readonly scheduled: { event: HayMakerEvent; at: Date }[] = [];
  schedule(event: HayMakerEvent, at: Date): Promise<void> {
    this.scheduled.push({ event, at });
    return Promise.resolve();
  }
}

async function openLedger() {
  const dataDirectory = await mkdtemp(join(tmpdir(), "haymaker-report-settle-"));
  return {
    ledger: SqliteRunLedger.inDataDirectory(dataDirectory),
    reports: new FileReportStore(dataDirectory),
  };
}

describe("report waits for the Activity Log to settle", () => {
  let ledger: SqliteRunLedger;
  let ports: ReportPorts;
  let bus: ScheduleRecorder;
  let now: Date;
  const settleMs = 20 * 60_000;

  beforeEach(async () => {
    const opened = await openLedger();
    ledger = opened.ledger;
    bus = new ScheduleRecorder();
    now = new Date("2026-11-24T14:20:00Z");
    ports = {
      ledger,
      cloud: new InMemoryCloudControl(),
      reports: opened.reports,
      bus,
      settleMs,
      now: () => now,
    };
  });
  afterEach(() => ledger.close());

  it("schedules report.due for the run's last finish plus the settle window, and writes nothing yet", async () => {
    await onAgentCleaned(cleaned("a01", { finishedAt: "2026-11-24T14:05:00Z" }), ports);
    const last = cleaned("a02", { finishedAt: "2026-11-24T14:10:00Z" });
    expect(await onAgentCleaned(last, ports)).toBeUndefined();

    expect(bus.scheduled).toHaveLength(1);
    const [{ event, at }] = bus.scheduled as [{ event: EventOf<"report.due">; at: Date }];
    expect(at.toISOString()).toBe("2026-11-24T14:30:00.000Z");
    expect(event).toMatchObject({
      type: "com.haymaker.report.due.v1",
      source: "/haymaker/report",
      causationid: last.id,
      correlationid: runId,
      data: { runId, total: 2, dueAt: "2026-11-24T14:30:00.000Z" },
    });
  });

  it("schedules the same message again when the last agent.cleaned is redelivered", async () => {
    await onAgentCleaned(cleaned("a01"), ports);
    await onAgentCleaned(cleaned("a02"), ports);
    await onAgentCleaned(cleaned("a02"), ports);
    expect(bus.scheduled).toHaveLength(2);
    const [first, second] = bus.scheduled;
    expect(second?.event.id).toBe(first?.event.id);
    expect(second?.at).toEqual(first?.at);
  });

  it("writes the report when report.due comes at its time, and the same one when it comes twice", async () => {
    await onAgentCleaned(cleaned("a01", { finishedAt: "2026-11-24T14:05:00Z" }), ports);
    await onAgentCleaned(cleaned("a02", { finishedAt: "2026-11-24T14:10:00Z" }), ports);
    const due = bus.scheduled[0]?.event as EventOf<"report.due">;

    now = new Date("2026-11-24T14:30:00Z");
    const completed = await onReportDue(due, ports);
    expect(completed).toMatchObject({
      type: "com.haymaker.run.completed.v1",
      id: deterministicEventId("run.completed", runId, "2"),
      causationid: due.id,
      data: { runId, summary: { agents: 2 } },
    });
    expect((await onReportDue(due, ports))?.id).toBe(completed?.id);
    expect(bus.scheduled).toHaveLength(1);
  });

  it("puts off a report.due that comes early, and ignores one for a run whose agents are not all in", async () => {
    await onAgentCleaned(cleaned("a01", { finishedAt: "2026-11-24T14:10:00Z" }), ports);
    const early = newEvent("report.due", {
      source: "/haymaker/report",
      data: { runId, total: 2, dueAt: "2026-11-24T14:00:00Z" },
    });
    expect(await onReportDue(early, ports)).toBeUndefined();
    expect(bus.scheduled).toEqual([]);

    await onAgentCleaned(cleaned("a02", { finishedAt: "2026-11-24T14:10:00Z" }), ports);
    expect(await onReportDue(early, ports)).toBeUndefined();
    expect(bus.scheduled.map(({ at }) => at.toISOString())).toEqual([
      "2026-11-24T14:30:00.000Z",
      "2026-11-24T14:30:00.000Z",
    ]);
  });

  it("writes at once when the settle window has already passed", async () => {
    now = new Date("2026-11-24T16:00:00Z");
    await onAgentCleaned(cleaned("a01", { finishedAt: "2026-11-24T14:05:00Z" }), ports);
    const completed = await onAgentCleaned(cleaned("a02", { finishedAt: "2026-11-24T14:10:00Z" }), ports);
    expect(completed?.type).toBe("com.haymaker.run.completed.v1");
    expect(bus.scheduled).toEqual([]);
  });
});

describe("report on a cloud whose Activity Log shows operations late", () => {
  it("counts every operation an agent made, though the log shows them only after a delay", async () => {
    const delayMs = 1500;
    const { sandbox, cloudEnv } = await startSandboxWithOrchestrator({
      realism: { activityLogDelayMs: delayMs },
    });
    const { ledger, reports } = await openLedger();
    try {
      // The agent: an identity of its own, acting in the subscription.
      const appId = randomUUID();
      sandbox.registerPrincipal({
        clientId: appId,
        secret: "agent-secret",
        subscriptionScopes: [`/subscriptions/${sandbox.subscriptionId}`],
      });
      const agent = cloudControlFromEnv(
        { ...cloudEnv, HAYMAKER_CLIENT_ID: appId, HAYMAKER_CLIENT_SECRET: "agent-secret" },
        "agent",
      );
      const deployedAt = new Date(Date.now() - 1000).toISOString();
      for (const name of ["rg-late-1", "rg-late-2", "rg-late-3"]) {
        await agent.ensureResourceGroup(name, "westeurope", {});
      }
      const finishedAt = new Date().toISOString();

      const bus = new ScheduleRecorder();
      const ports: ReportPorts = {
        ledger,
        cloud: cloudControlFromEnv(cloudEnv, "report"),
        reports,
        bus,
        // The settle window covers the delay, with room to spare, as HAYMAKER_ACTIVITY_LOG_SETTLE should.
        settleMs: delayMs * 2,
      };
      const last = cleaned("a01", {
        total: 1,
        index: 0,
        deployedAt,
        finishedAt,
        identity: { ...EXAMPLE_DATA["agent.cleaned"].identity, appId },
      });

      // What the bus would do: deliver agent.cleaned, then whatever report scheduled, at its time.
      let completed = await onAgentCleaned(last, ports);
      for (let i = 0; completed === undefined && i < 3; i++) {
        const next = bus.scheduled.shift();
        if (next === undefined) break;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, next.at.getTime() - Date.now())));
        completed = await onReportDue(next.event as EventOf<"report.due">, ports);
      }

      expect(completed?.type).toBe("com.haymaker.run.completed.v1");
      const report = JSON.parse(await reports.get(completed?.data.report.json ?? "")) as RunReport;
      expect(report.agents[0]?.activity.total).toBe(3);
      expect(report.agents[0]?.activity.byOperation).toEqual({
        "Microsoft.Resources/subscriptions/resourceGroups/write": 3,
      });
    } finally {
      await ledger.close();
      await sandbox.close();
    }
  });
});
