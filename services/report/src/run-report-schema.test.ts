import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InMemoryCloudControl } from "@haymaker/cloud-control/testing";
import { newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA } from "@haymaker/contracts";
import { FileReportStore } from "@haymaker/stores";
import { toJsonSchema } from "@valibot/to-json-schema";
import { Ajv2020 } from "ajv/dist/2020.js";
import * as v from "valibot";
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import { onAgentCleaned, onRunFailed, onRunRejected, type ReportPorts } from "./handler.ts";
import type { AgentReport, RunReport } from "./run-report.ts";
import { AgentReportSchema, RunReportSchema } from "./run-report-schema.ts";
import { SqliteRunLedger } from "./sqlite-run-ledger.ts";

/**
 * A schema's output type, deeply flattened. toEqualTypeOf tells `A & B` from the same fields written as one
 * object, so both sides are flattened; keys, optionality and value types are kept.
 */
type Flat<T> = T extends readonly (infer Item)[]
  ? Flat<Item>[]
  : T extends object
    ? { [K in keyof T]: Flat<T[K]> }
    : T;

const noSchedules = {
  schedule: () => Promise.reject(new Error("nothing should be scheduled when the log settles at once")),
};

describe("the run report schema's type", () => {
  // toEqualTypeOf fails to compile unless both types are the same, field for field (optional included).
  it("is exactly the report's type", () => {
    expectTypeOf<Flat<v.InferOutput<typeof RunReportSchema>>>().toEqualTypeOf<Flat<RunReport>>();
    expectTypeOf<Flat<v.InferOutput<typeof AgentReportSchema>>>().toEqualTypeOf<Flat<AgentReport>>();
  });
});

const runId = "run-report-schema";
const subscription = "/subscriptions/11111111-2222-3333-4444-555555555555";
const NOW = new Date("2026-11-24T15:00:00.000Z");
const groupOf = (agentId: string) => `haymaker-${runId}-${agentId}`;
const appIdOf = (agentId: string) => `0a1b2c3d-0000-4000-8000-0000000001${agentId.slice(1)}`;
const storageOf = (agentId: string) =>
  `${subscription}/resourceGroups/${groupOf(agentId)}/providers/Microsoft.Storage/storageAccounts/st${agentId}`;

function cleaned(agentId: string, data: Partial<EventOf<"agent.cleaned">["data"]> = {}) {
  return newEvent("agent.cleaned", {
    source: "/haymaker/force-cleanup",
    data: {
      ...EXAMPLE_DATA["agent.cleaned"],
      runId,
      agentId,
      scenarioId: `scenario-${agentId}`,
      index: Number(agentId.slice(1)) - 1,
      total: 2,
      identity: { ...EXAMPLE_DATA["agent.cleaned"].identity, appId: appIdOf(agentId) },
      resourceGroup: groupOf(agentId),
      deployedAt: "2026-11-24T06:03:00Z",
      finishedAt: "2026-11-24T14:05:30+01:00",
      deleted: [`${subscription}/resourceGroups/${groupOf(agentId)}`],
      notDeleted: [],
      ...data,
    },
  });
}

describe("RunReportSchema", () => {
  let dataDirectory: string;
  let cloud: InMemoryCloudControl;
  let reports: FileReportStore;
  let ledger: SqliteRunLedger;
  let ports: ReportPorts;

  beforeEach(async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), "haymaker-report-schema-"));
    cloud = new InMemoryCloudControl();
    reports = new FileReportStore(dataDirectory);
    ledger = SqliteRunLedger.inDataDirectory(dataDirectory);
    // A cloud whose Activity Log is complete at once: nothing to wait for (settle.test.ts waits).
    ports = { ledger, cloud, reports, bus: noSchedules, settleMs: 0, now: () => NOW };
  });
  afterEach(async () => {
    await ledger.close();
    await rm(dataDirectory, { recursive: true, force: true });
  });

  /** report.json as the gateway serves it: the file the report phase wrote, parsed. */
  async function reportJson(completed: EventOf<"run.completed"> | undefined): Promise<RunReport> {
    if (!completed) throw new Error("the report phase did not complete the run");
    return JSON.parse(await reports.get(completed.data.report.json)) as RunReport;
  }

  /** A completed run: one agent with activity (a refused call among it), one that failed and left a resource. */
  async function completedRun(): Promise<RunReport> {
    const call = (agentId: string, at: string, status: string, statusCode?: string) =>
      cloud.recordActivity({
        operationName: "Microsoft.Storage/storageAccounts/write",
        caller: appIdOf(agentId),
        resourceId: storageOf(agentId),
        httpMethod: "PUT",
        status,
        ...(statusCode === undefined ? {} : { statusCode }),
        timestamp: at,
      });
    call("a01", "2026-11-24T06:05:00Z", "Succeeded", "OK");
    call("a01", "2026-11-24T06:06:00.1234567Z", "Failed", "Forbidden");
    call("a02", "2026-11-24T06:07:00Z", "Failed");
    await onAgentCleaned(cleaned("a01"), ports);
    return reportJson(
      await onAgentCleaned(
        cleaned("a02", {
          outcome: "failed",
          reason: "step 2 failed",
          deployedAt: undefined,
          notDeleted: [{ resourceId: storageOf("a02"), reason: "locked by a delete lock" }],
          identityDeleted: false,
          secretDeleted: false,
        }),
        ports,
      ),
    );
  }

  async function failedRun(): Promise<RunReport> {
    const failed = newEvent("run.failed", {
      source: "/haymaker/deploy",
      data: { runId, phase: "deploy", reason: "the agent image could not be pulled" },
    });
    return reportJson(await onRunFailed(failed, ports));
  }

  async function rejectedRun(): Promise<RunReport> {
    const rejected = newEvent("run.rejected", {
      source: "/haymaker/validate",
      data: { ...EXAMPLE_DATA["run.rejected"], runId },
    });
    return reportJson(await onRunRejected(rejected, ports));
  }

  it("accepts every kind of report the report phase writes, dropping nothing", async () => {
    const completed = await completedRun();
    expect(completed.agents[0]?.activity.failed[0]?.statusCode).toBe("Forbidden");
    expect(completed.agents[1]).toMatchObject({
      resources: { left: [{ reason: "locked by a delete lock" }] },
    });
    expect(completed.agents[1]?.deployedAt).toBeUndefined();
    const failed = await failedRun();
    expect(failed.failure?.phase).toBe("deploy");
    const rejected = await rejectedRun();
    expect(rejected.rejection?.failedChecks).toHaveLength(1);

    for (const report of [completed, failed, rejected]) {
      const result = v.safeParse(RunReportSchema, report);
      expect(result.issues?.map(describeIssue)).toBeUndefined();
      // An object schema drops keys it does not know: the output equal to the input means none is missed.
      expect(result.output).toEqual(report);
      expect(validateJson(report) ? [] : validateJson.errors).toEqual([]);
    }
  });

  it("rejects reports that are not what the report phase writes", async () => {
    const report = await completedRun();
    const agent = report.agents[0] as AgentReport;
    const wrong: [unknown, string][] = [
      [{ ...report, reportVersion: 2 }, "reportVersion"],
      [{ ...report, status: "running" }, "status"],
      [{ ...report, generatedAt: "yesterday" }, "generatedAt"],
      [{ ...report, summary: { ...report.summary, leftovers: -1 } }, "summary.leftovers"],
      [{ ...report, agents: [{ ...agent, outcome: "exploded" }] }, "agents.0.outcome"],
      [{ ...report, agents: [{ ...agent, durationSeconds: 1.5 }] }, "agents.0.durationSeconds"],
      [
        { ...report, agents: [{ ...agent, activity: { ...agent.activity, byOperation: { write: "2" } } }] },
        "agents.0.activity.byOperation.write",
      ],
      [{ ...report, agents: [{ ...agent, errors: undefined }] }, "agents.0.errors"],
    ];
    for (const [value, path] of wrong) {
      const result = v.safeParse(RunReportSchema, value);
      expect(result.success, path).toBe(false);
      expect(result.issues?.map(describeIssue).join("; ")).toContain(`${path}:`);
      expect(validateJson(value), path).toBe(false);
    }
  });

  it("converts to JSON Schema 2020-12 without losing a rule", () => {
    // errorMode "throw": any schema or action JSON Schema cannot express fails the conversion.
    for (const schema of [RunReportSchema, AgentReportSchema]) {
      expect(() => toJsonSchema(schema, { target: "draft-2020-12", errorMode: "throw" })).not.toThrow();
    }
    expect(toJsonSchema(RunReportSchema, { target: "draft-2020-12" })).toMatchObject({
      title: "RunReport",
      required: expect.arrayContaining([
        "reportVersion",
        "runId",
        "status",
        "generatedAt",
        "summary",
        "agents",
      ]),
    });
  });
});

/**
 * The schema as JSON Schema 2020-12, converted as the gateway converts responses (typeMode "output") and
 * compiled by ajv in strict mode (unknown keywords are errors).
 */
const validateJson = new Ajv2020({ strict: true, allErrors: true }).compile(
  toJsonSchema(RunReportSchema, { target: "draft-2020-12", typeMode: "output", errorMode: "throw" }),
);

function describeIssue(issue: v.BaseIssue<unknown>): string {
  return `${v.getDotPath(issue) ?? "(root)"}: ${issue.message}`;
}
