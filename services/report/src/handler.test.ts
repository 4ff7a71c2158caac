import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ActivityRecord } from "@haymaker/cloud-control";
import { InMemoryCloudControl } from "@haymaker/cloud-control/testing";
import { deterministicEventId, newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA, type Identity } from "@haymaker/contracts";
import { FileReportStore } from "@haymaker/stores";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { onAgentCleaned, onRunFailed, onRunRejected, type ReportPorts } from "./handler.ts";
import type { RunReport } from "./run-report.ts";
import { SqliteRunLedger } from "./sqlite-run-ledger.ts";

const runId = "run-report";
const subscription = "/subscriptions/11111111-2222-3333-4444-555555555555";
const NOW = new Date("2026-11-24T15:00:00.000Z");

function identityOf(agentId: string): Identity {
  const n = Number(agentId.slice(1));
  return {
    displayName: `haymaker-${runId}-${agentId}`,
    appId: `0a1b2c3d-0000-4000-8000-0000000001${String(n).padStart(2, "0")}`,
    objectId: `0a1b2c3d-0000-4000-8000-0000000002${String(n).padStart(2, "0")}`,
    servicePrincipalId: `0a1b2c3d-0000-4000-8000-0000000003${String(n).padStart(2, "0")}`,
    tenantId: "0a1b2c3d-0000-4000-8000-000000000004",
  };
}

const groupOf = (agentId: string) => `haymaker-${runId}-${agentId}`;
const idIn = (agentId: string, path: string) =>
  `${subscription}/resourceGroups/${groupOf(agentId)}/providers/${path}`;

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
      scenarioId: `scenario-${agentId}`,
      index: Number(agentId.slice(1)) - 1,
      total: 3,
      identity: identityOf(agentId),
      resourceGroup: groupOf(agentId),
      outcome: "completed",
      deployedAt: "2026-11-24T06:03:00Z",
      finishedAt: "2026-11-24T14:05:30Z",
      deleted: [`${subscription}/resourceGroups/${groupOf(agentId)}`],
      notDeleted: [],
      identityDeleted: true,
      secretDeleted: true,
      ...data,
    },
  });
}

/** The in-memory cloud, counting Activity Log reads. */
class CountingCloud extends InMemoryCloudControl {
  activityReads = 0;
  override async activity(from: Date, to: Date, caller?: string): Promise<ActivityRecord[]> {
    this.activityReads++;
    return super.activity(from, to, caller);
  }
}

const noSchedules = {
  schedule: () => Promise.reject(new Error("nothing should be scheduled when the log settles at once")),
};

describe("report", () => {
  let cloud: CountingCloud;
  let reports: FileReportStore;
  let ledger: SqliteRunLedger;
  let ports: ReportPorts;

  beforeEach(async () => {
    const dataDirectory = await mkdtemp(join(tmpdir(), "haymaker-report-"));
    cloud = new CountingCloud();
    reports = new FileReportStore(dataDirectory);
    ledger = SqliteRunLedger.inDataDirectory(dataDirectory);
    // A cloud whose Activity Log is complete at once: nothing to wait for (settle.test.ts waits).
    ports = { ledger, cloud, reports, bus: noSchedules, settleMs: 0, now: () => NOW };
  });
  afterEach(() => ledger.close());

  const call = (agentId: string, at: string, record: Partial<ActivityRecord>): void =>
    cloud.recordActivity({
      operationName: "Microsoft.Storage/storageAccounts/write",
      caller: identityOf(agentId).appId,
      resourceId: idIn(agentId, "Microsoft.Storage/storageAccounts/st1"),
      httpMethod: "PUT",
      status: "Succeeded",
      statusCode: "OK",
      timestamp: at,
      ...record,
    });

  async function reportOf(completed: EventOf<"run.completed">) {
    const json = JSON.parse(await reports.get(completed.data.report.json)) as RunReport;
    const markdown = await reports.get(completed.data.report.markdown);
    return { json, markdown };
  }

  it("waits until every agent of the run is cleaned, in whatever order and however often they come", async () => {
    expect(await onAgentCleaned(cleaned("a03"), ports)).toBeUndefined();
    expect(await onAgentCleaned(cleaned("a01"), ports)).toBeUndefined();
    expect(await onAgentCleaned(cleaned("a03"), ports)).toBeUndefined();
    expect(await reports.list()).toEqual([]);

    const last = cleaned("a02");
    const completed = await onAgentCleaned(last, ports);

    expect(completed).toMatchObject({
      type: "com.haymaker.run.completed.v1",
      source: "/haymaker/report",
      causationid: last.id,
      correlationid: runId,
      id: deterministicEventId("run.completed", runId, "3"),
      data: {
        runId,
        report: {
          json: `local:reports/${runId}/report.json`,
          markdown: `local:reports/${runId}/report.md`,
        },
        summary: { agents: 3, completed: 3, failed: 0, timedOut: 0, cancelled: 0, leftovers: 0 },
      },
    });
    const { json } = await reportOf(completed!);
    expect(json.agents.map((agent) => agent.agentId)).toEqual(["a01", "a02", "a03"]);
    expect((await reports.list()).map((report) => report.runId)).toEqual([runId]);
  });

  it("writes the same report again, announced under the same id, when the last agent comes twice", async () => {
    await onAgentCleaned(cleaned("a01"), ports);
    await onAgentCleaned(cleaned("a02"), ports);
    const first = await onAgentCleaned(cleaned("a03"), ports);
    const again = await onAgentCleaned(cleaned("a03"), ports);
    expect(again?.id).toBe(first?.id);
    expect(again?.data).toEqual(first?.data);
  });

  it("writes JSON and Markdown with each agent's outcome, duration, resources, identity, activity and errors", async () => {
    const account = idIn("a01", "Microsoft.Storage/storageAccounts/st1");
    const container = idIn("a01", "Microsoft.Storage/storageAccounts/st1/blobServices/default/containers/c1");
    const vault = idIn("a02", "Microsoft.KeyVault/vaults/kv1");
    const outside = `${subscription}/resourceGroups/production/providers/Microsoft.Compute/virtualMachines/db1`;
    // a01: creates an account (twice: an update), a container, deletes the container itself.
    call("a01", "2026-11-24T06:05:00Z", {});
    call("a01", "2026-11-24T06:06:00Z", {});
    call("a01", "2026-11-24T06:07:00Z", {
      operationName: "Microsoft.Storage/storageAccounts/blobServices/containers/write",
      resourceId: container,
    });
    call("a01", "2026-11-24T13:50:00Z", {
      operationName: "Microsoft.Storage/storageAccounts/blobServices/containers/delete",
      resourceId: container,
      httpMethod: "DELETE",
    });
    // …and tries to step outside its resource group: refused, and the report shows it.
    call("a01", "2026-11-24T07:00:00Z", {
      operationName: "Microsoft.Compute/virtualMachines/write",
      resourceId: outside,
      status: "Failed",
      statusCode: "Forbidden",
    });
    // a02: creates a vault cleanup could not delete, and times out.
    call("a02", "2026-11-24T06:10:00Z", {
      operationName: "Microsoft.KeyVault/vaults/write",
      resourceId: vault,
    });
    // Not the agents': HayMaker's own identity, and a call before a01 was deployed.
    call("a03", "2026-11-24T06:04:00Z", { caller: "9f9f9f9f-0000-4000-8000-000000000999" });
    call("a01", "2026-11-24T05:00:00Z", {
      resourceId: idIn("a01", "Microsoft.Storage/storageAccounts/early"),
    });

    await onAgentCleaned(
      cleaned("a01", { deleted: [account, `${subscription}/resourceGroups/${groupOf("a01")}`] }),
      ports,
    );
    await onAgentCleaned(
      cleaned("a02", {
        outcome: "timed-out",
        reason: "still running at its deadline",
        finishedAt: "2026-11-24T14:10:00Z",
        deleted: [],
        notDeleted: [
          {
            resourceId: vault,
            reason: "Deleting failed (HTTP 409 Conflict): vault is soft-delete protected",
          },
        ],
        secretDeleted: false,
      }),
      ports,
    );
    const completed = await onAgentCleaned(
      cleaned("a03", { outcome: "failed", reason: "step 2 | create <vm> failed", deployedAt: undefined }),
      ports,
    );

    expect(completed?.data.summary).toEqual({
      agents: 3,
      completed: 1,
      failed: 1,
      timedOut: 1,
      cancelled: 0,
      leftovers: 1,
    });
    const { json, markdown } = await reportOf(completed!);
    expect(json).toMatchObject({
      reportVersion: 1,
      runId,
      status: "completed",
      generatedAt: NOW.toISOString(),
    });
    const [a01, a02, a03] = json.agents;
    expect(a01).toMatchObject({
      agentId: "a01",
      scenarioId: "scenario-a01",
      outcome: "completed",
      deployedAt: "2026-11-24T06:03:00Z",
      finishedAt: "2026-11-24T14:05:30Z",
      durationSeconds: 8 * 3600 + 2 * 60 + 30,
      identity: { displayName: `haymaker-${runId}-a01`, appId: identityOf("a01").appId, deleted: true },
      secretDeleted: true,
      resources: {
        created: [account, container],
        deleted: [container, account, `${subscription}/resourceGroups/${groupOf("a01")}`],
        left: [],
      },
      activity: {
        from: "2026-11-24T06:02:00.000Z",
        to: NOW.toISOString(),
        total: 5,
        byOperation: {
          "Microsoft.Compute/virtualMachines/write": 1,
          "Microsoft.Storage/storageAccounts/blobServices/containers/delete": 1,
          "Microsoft.Storage/storageAccounts/blobServices/containers/write": 1,
          "Microsoft.Storage/storageAccounts/write": 2,
        },
        failed: [
          {
            timestamp: "2026-11-24T07:00:00Z",
            operationName: "Microsoft.Compute/virtualMachines/write",
            resourceId: outside,
            status: "Failed",
            statusCode: "Forbidden",
          },
        ],
      },
      errors: [],
    });
    expect(a02).toMatchObject({
      outcome: "timed-out",
      resources: {
        created: [vault],
        deleted: [],
        left: [
          {
            resourceId: vault,
            reason: "Deleting failed (HTTP 409 Conflict): vault is soft-delete protected",
          },
        ],
      },
      secretDeleted: false,
      errors: [
        "still running at its deadline",
        `could not delete ${vault}: Deleting failed (HTTP 409 Conflict): vault is soft-delete protected`,
        "its secret was not deleted",
      ],
    });
    // No deployment time: its window opens a minute before the run's first agent was deployed.
    expect(a03).toMatchObject({
      outcome: "failed",
      activity: { total: 0, from: "2026-11-24T06:02:00.000Z" },
    });
    expect(a03?.durationSeconds).toBeUndefined();

    expect(markdown).toContain(`# HayMaker run \`${runId}\``);
    expect(markdown).toContain(
      "| Agents | Completed | Failed | Timed out | Cancelled | Resources left |\n| --- | --- | --- | --- | --- | --- |\n| 3 | 1 | 1 | 1 | 0 | 1 |",
    );
    expect(markdown).toContain(
      "| `a01` | `scenario-a01` | completed | 8h 2m | 2 | 3 | 0 | yes | yes | 5 | 1 |",
    );
    expect(markdown).toContain(
      "| `a02` | `scenario-a02` | timed-out | 8h 7m | 1 | 0 | 1 | yes | **no** | 1 | 0 |",
    );
    for (const agentId of ["a01", "a02", "a03"]) {
      expect(markdown).toContain(`## Agent \`${agentId}\`: \`scenario-${agentId}\``);
    }
    expect(markdown).toContain(
      `| 2026-11-24T07:00:00Z | \`Microsoft.Compute/virtualMachines/write\` | \`${outside}\` | Failed (Forbidden) |`,
    );
    // A reason with a pipe and markup stays one line of text, not a broken table or HTML.
    expect(markdown).toContain("- step 2 \\| create \\<vm\\> failed");
    expect(markdown).not.toContain("<vm>");
  });

  it("keeps every table row's cells intact when a value holds a pipe", async () => {
    const piped = idIn("a01", "Microsoft.Web/sites/a|b");
    for (const agentId of ["a01", "a02"]) await onAgentCleaned(cleaned(agentId), ports);
    const completed = await onAgentCleaned(
      cleaned("a03", { notDeleted: [{ resourceId: piped, reason: "HTTP 409 | conflict" }] }),
      ports,
    );
    const { markdown } = await reportOf(completed!);
    const row = markdown.split("\n").find((line) => line.includes("Microsoft.Web/sites"));
    expect(row).toBe(`| \`${piped.replace("|", "\\|")}\` | HTTP 409 \\| conflict |`);
    // Unescaped pipes split cells: a two-column row has exactly three.
    expect(row?.match(/(?<!\\)\|/g)).toHaveLength(3);
  });

  it("reports a rejected run with its failed checks, no agents, and no cloud calls", async () => {
    const rejected = newEvent("run.rejected", {
      source: "/haymaker/validate",
      data: {
        ...EXAMPLE_DATA["run.rejected"],
        runId: "run-refused",
        failedChecks: [
          { name: "image", message: "agent image not found in registry" },
          { name: "quota", message: "vCPU quota at 100% | no room" },
        ],
      },
    });

    const completed = await onRunRejected(rejected, ports);

    expect(completed).toMatchObject({
      id: deterministicEventId("run.completed", "run-refused", "0"),
      causationid: rejected.id,
      data: {
        runId: "run-refused",
        summary: { agents: 0, completed: 0, failed: 0, timedOut: 0, cancelled: 0, leftovers: 0 },
      },
    });
    expect(cloud.activityReads).toBe(0);
    const { json, markdown } = await reportOf(completed);
    expect(json).toMatchObject({
      status: "rejected",
      agents: [],
      rejection: {
        requestedBy: "scheduler",
        requestedAt: "2026-11-24T06:00:00Z",
        failedChecks: [
          { name: "image", message: "agent image not found in registry" },
          { name: "quota", message: "vCPU quota at 100% | no room" },
        ],
      },
    });
    expect(markdown).toContain("**Status:** rejected");
    expect(markdown).toContain("| `image` | agent image not found in registry |");
    expect(markdown).toContain("| `quota` | vCPU quota at 100% \\| no room |");
    expect(markdown).not.toContain("## Agents");
  });

  it("reports a failed run with the agents it has so far, then again in full once they are all cleaned", async () => {
    await onAgentCleaned(cleaned("a01"), ports);
    const failed = newEvent("run.failed", {
      source: "/haymaker/deploy",
      data: { runId, phase: "deploy", reason: "the agent image could not be pulled" },
    });

    const early = await onRunFailed(failed, ports);

    expect(early.data.summary).toMatchObject({ agents: 1, completed: 1 });
    const { json, markdown } = await reportOf(early);
    expect(json).toMatchObject({
      status: "failed",
      failure: { phase: "deploy", reason: "the agent image could not be pulled", failedAt: failed.time },
    });
    expect(json.agents.map((agent) => agent.agentId)).toEqual(["a01"]);
    expect(markdown).toContain("The run failed in the `deploy` phase");

    await onAgentCleaned(cleaned("a02", { outcome: "failed" }), ports);
    const full = await onAgentCleaned(cleaned("a03", { outcome: "failed" }), ports);

    expect(full?.id).not.toBe(early.id);
    expect(full?.data.summary).toMatchObject({ agents: 3, completed: 1, failed: 2 });
    expect((await reportOf(full!)).json).toMatchObject({ status: "failed", failure: { phase: "deploy" } });
  });

  it("lets a failed Activity Log read fail the handler, and writes the report on the retry", async () => {
    await onAgentCleaned(cleaned("a01"), ports);
    await onAgentCleaned(cleaned("a02"), ports);
    const last = cleaned("a03");
    const broken = {
      ...ports,
      cloud: { activity: () => Promise.reject(new Error("Activity Log: HTTP 503")) },
    };
    await expect(onAgentCleaned(last, broken)).rejects.toThrow("HTTP 503");
    expect(await reports.list()).toEqual([]);
    expect(await onAgentCleaned(last, ports)).toMatchObject({ data: { summary: { agents: 3 } } });
  });
});
