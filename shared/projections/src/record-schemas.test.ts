import { type CloudEvent, EXAMPLE_DATA, type HayMakerEvent } from "@haymaker/contracts";
import { toJsonSchema } from "@valibot/to-json-schema";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { runStory, testEvent } from "./contract/events.ts";
import { allPages, applyAll } from "./contract/helpers.ts";
import type { Metrics, ScenarioMetrics } from "./metrics.ts";
import type { LogPage, Page, RunEventPage } from "./queries.ts";
import {
  AgentPageSchema,
  type AgentProgressSchema,
  AgentRecordSchema,
  CleanupRecordSchema,
  type CloudEventRecordSchema,
  ExecutionPageSchema,
  ExecutionRecordSchema,
  ExecutionWithAgentsSchema,
  IdentityPageSchema,
  type IdentityRecordSchema,
  LogPageSchema,
  LogRecordSchema,
  MetricsSchema,
  type pageSchemaOf,
  type ResourceDeletionSchema,
  ResourcePageSchema,
  ResourceRecordSchema,
  RunEventPageSchema,
  RunEventRecordSchema,
  type ScenarioMetricsSchema,
} from "./record-schemas.ts";
import type {
  AgentProgress,
  AgentRecord,
  CleanupRecord,
  ExecutionRecord,
  ExecutionWithAgents,
  IdentityRecord,
  LogRecord,
  ResourceDeletion,
  ResourceRecord,
  RunEventRecord,
} from "./records.ts";
import { SqliteProjectionStore } from "./sqlite/sqlite-projection-store.ts";

/**
 * A schema's output type, deeply flattened. toEqualTypeOf tells `A & B` from the same fields written as one
 * object, so both sides of every comparison are flattened; keys, optionality and value types are kept.
 */
type Out<TSchema extends v.GenericSchema> = Flat<v.InferOutput<TSchema>>;
type Flat<T> = T extends readonly (infer Item)[]
  ? Flat<Item>[]
  : T extends object
    ? { [K in keyof T]: Flat<T[K]> }
    : T;

// A run event's data is described as "an object", not one shape per event type, so its schema's type is
// the envelope with open data. Every real record must still be assignable to it (checked below too).
type WithOpenEvent<T> = Omit<T, "event"> & { event: CloudEvent<HayMakerEvent["type"]> };
type OpenRunEventRecord = WithOpenEvent<RunEventRecord>;
type WithItems<TPage, TItem> = Omit<TPage, "items"> & { items: TItem[] };

describe("the record schemas' types", () => {
  // toEqualTypeOf fails to compile unless both types are the same, field for field (optional included).
  it("are exactly the records' types", () => {
    expectTypeOf<Out<typeof ExecutionRecordSchema>>().toEqualTypeOf<Flat<ExecutionRecord>>();
    expectTypeOf<Out<typeof AgentProgressSchema>>().toEqualTypeOf<Flat<AgentProgress>>();
    expectTypeOf<Out<typeof AgentRecordSchema>>().toEqualTypeOf<Flat<AgentRecord>>();
    expectTypeOf<Out<typeof ResourceDeletionSchema>>().toEqualTypeOf<Flat<ResourceDeletion>>();
    expectTypeOf<Out<typeof ResourceRecordSchema>>().toEqualTypeOf<Flat<ResourceRecord>>();
    expectTypeOf<Out<typeof IdentityRecordSchema>>().toEqualTypeOf<Flat<IdentityRecord>>();
    expectTypeOf<Out<typeof LogRecordSchema>>().toEqualTypeOf<Flat<LogRecord>>();
    expectTypeOf<Out<typeof ExecutionWithAgentsSchema>>().toEqualTypeOf<Flat<ExecutionWithAgents>>();
    expectTypeOf<Out<typeof ScenarioMetricsSchema>>().toEqualTypeOf<Flat<ScenarioMetrics>>();
    expectTypeOf<Out<typeof MetricsSchema>>().toEqualTypeOf<Flat<Metrics>>();
    expectTypeOf<Out<typeof LogPageSchema>>().toEqualTypeOf<Flat<LogPage>>();
    expectTypeOf<Out<typeof CleanupRecordSchema>>().toEqualTypeOf<Flat<CleanupRecord>>();
  });

  it("are the pages' types", () => {
    expectTypeOf<Out<ReturnType<typeof pageSchemaOf<typeof LogRecordSchema>>>>().toEqualTypeOf<
      Flat<Page<LogRecord>>
    >();
    expectTypeOf<Out<typeof ExecutionPageSchema>>().toEqualTypeOf<Flat<Page<ExecutionRecord>>>();
    expectTypeOf<Out<typeof AgentPageSchema>>().toEqualTypeOf<Flat<Page<AgentRecord>>>();
    expectTypeOf<Out<typeof ResourcePageSchema>>().toEqualTypeOf<Flat<Page<ResourceRecord>>>();
    expectTypeOf<Out<typeof IdentityPageSchema>>().toEqualTypeOf<Flat<Page<IdentityRecord>>>();
  });

  it("describe a run event as its envelope with open data, which every real run event is", () => {
    expectTypeOf<Out<typeof CloudEventRecordSchema>>().toEqualTypeOf<
      Flat<CloudEvent<HayMakerEvent["type"]>>
    >();
    expectTypeOf<Out<typeof RunEventRecordSchema>>().toEqualTypeOf<Flat<OpenRunEventRecord>>();
    expectTypeOf<Out<typeof RunEventPageSchema>>().toEqualTypeOf<
      Flat<WithItems<RunEventPage, OpenRunEventRecord>>
    >();
    expectTypeOf<RunEventRecord>().toExtend<v.InferOutput<typeof RunEventRecordSchema>>();
    expectTypeOf<RunEventPage>().toExtend<v.InferOutput<typeof RunEventPageSchema>>();
  });
});

const RUN = "run-schemas";
const FAILING = "run-schemas-failing";
const REJECTED = "run-schemas-rejected";

/** A completed run whose agents end every way, one leaving a resource behind. */
const COMPLETED_STORY = runStory({
  runId: RUN,
  requestedAt: "2026-11-24T06:00:00Z",
  agents: [
    { scenarioId: "storage-blob-lifecycle" },
    { scenarioId: "network-peering", outcome: "failed", leaveStorage: true },
    { scenarioId: "vm-restart", outcome: "timed-out" },
  ],
});
/** A run cancelled by an operator that then fails as a whole. */
const FAILING_STORY = [
  ...runStory({
    runId: FAILING,
    requestedAt: "2026-11-24T07:00:00Z",
    agents: [{ scenarioId: "vm-restart", outcome: "cancelled" }],
    ending: "failed",
  }),
  testEvent(
    "run.cancel.requested",
    { runId: FAILING, requestedBy: "operator:alice@contoso.com", reason: "maintenance window" },
    { id: `${FAILING}.cancel`, time: "2026-11-24T07:20:00+01:00" },
  ),
];
const CLEANUP = "cleanup-20261124-090000-ab12";
/** An operator's cleanup of the completed run: requested, and completed with every field filled. */
const CLEANUP_EVENTS = [
  testEvent(
    "cleanup.requested",
    { ...EXAMPLE_DATA["cleanup.requested"], cleanupId: CLEANUP, runId: RUN, agents: [] },
    { id: `${CLEANUP}.requested`, time: "2026-11-24T09:00:00Z" },
  ),
  testEvent(
    "cleanup.completed",
    {
      ...EXAMPLE_DATA["cleanup.completed"],
      cleanupId: CLEANUP,
      runId: RUN,
      agents: EXAMPLE_DATA["cleanup.completed"].agents.map((agent) => ({
        ...agent,
        runId: RUN,
        identity: { displayName: `haymaker-${RUN}-a01`, deleted: false, reason: "403 Forbidden" },
        secret: { deleted: false, reason: "the secret store refused the reference" },
      })),
      unowned: {
        deleted: ["/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/stray"],
        notDeleted: [],
      },
      truncated: true,
    },
    { id: `${CLEANUP}.completed`, time: "2026-11-24T09:01:00Z" },
  ),
];
const REJECTED_EVENT = testEvent(
  "run.rejected",
  { ...EXAMPLE_DATA["run.rejected"], runId: REJECTED, size: "small" },
  { id: `${REJECTED}.rejected`, time: "2026-11-24T08:00:00Z" },
);

/** Everything the store answers about the stories, by the schema each answer must satisfy. */
interface Answers {
  executions: ExecutionWithAgents[];
  executionPages: Page<ExecutionRecord>[];
  agents: AgentRecord[];
  agentPages: Page<AgentRecord>[];
  resources: ResourceRecord[];
  resourcePages: Page<ResourceRecord>[];
  identityPages: Page<IdentityRecord>[];
  logPages: LogPage[];
  runEventPages: RunEventPage[];
  metrics: Metrics[];
  cleanups: CleanupRecord[];
}

async function answersOf(store: SqliteProjectionStore): Promise<Answers> {
  const runIds = [RUN, FAILING, REJECTED];
  const executions = await Promise.all(runIds.map(async (runId) => (await store.getExecution(runId))!));
  const agents = executions.flatMap((run) => run.agents);
  const resources = (await allPages((continuation) => store.listResources({ continuation }))).items;
  return {
    executions,
    executionPages: [
      await store.listExecutions({ limit: 2 }),
      await store.listExecutions({ status: "failed" }),
    ],
    agents: [...agents, (await store.getAgent(RUN, "a02"))!],
    agentPages: [await store.listAgents({ runId: RUN }), await store.listAgents({ stage: "selected" })],
    resources: [...resources, (await store.getResource(resources[0]!.resourceId))!],
    resourcePages: [await store.listResources({ status: "left", limit: 1 })],
    identityPages: [await store.listIdentities(), await store.listIdentities({ runId: "run-unknown" })],
    logPages: [
      await store.agentLogs(RUN, "a01", { limit: 1 }),
      await store.agentLogs(RUN, "a02"),
      await store.agentLogs(RUN, "a09"),
    ],
    runEventPages: await Promise.all(runIds.map((runId) => store.runEvents(runId))),
    metrics: [
      await store.metrics({ since: "2026-11-24T00:00:00Z", until: "2026-11-25T00:00:00Z" }),
      await store.metrics({
        since: "2026-11-24T00:00:00Z",
        until: "2026-11-25T00:00:00Z",
        scenario: "vm-restart",
      }),
      await store.metrics({ since: "2026-01-01T00:00:00Z", until: "2026-01-02T00:00:00Z" }),
    ],
    cleanups: [(await store.getCleanup(CLEANUP))!],
  };
}

const SCHEMA_OF: { [K in keyof Answers]: v.GenericSchema } = {
  executions: ExecutionWithAgentsSchema,
  executionPages: ExecutionPageSchema,
  agents: AgentRecordSchema,
  agentPages: AgentPageSchema,
  resources: ResourceRecordSchema,
  resourcePages: ResourcePageSchema,
  identityPages: IdentityPageSchema,
  logPages: LogPageSchema,
  runEventPages: RunEventPageSchema,
  metrics: MetricsSchema,
  cleanups: CleanupRecordSchema,
};

/** The answers as the gateway sends them: JSON. */
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe("the record schemas", () => {
  let store: SqliteProjectionStore;
  let answers: Answers;

  beforeAll(async () => {
    store = SqliteProjectionStore.inMemory();
    await applyAll(store, [...COMPLETED_STORY, ...FAILING_STORY, REJECTED_EVENT, ...CLEANUP_EVENTS]);
    answers = asJson(await answersOf(store));
  });
  afterAll(() => store.close());

  it("cover every kind of record the stories produce", () => {
    const executions = answers.executions.map((run) => run.execution);
    expect(executions.map((run) => run.status)).toEqual(["completed", "failed", "rejected"]);
    expect(executions.some((run) => run.cancellation && run.failure && run.summary === undefined)).toBe(true);
    expect(executions.some((run) => run.failedChecks && run.size === "small")).toBe(true);
    expect(answers.agents.map((agent) => agent.outcome)).toEqual(
      expect.arrayContaining(["completed", "failed", "timed-out", "cancelled"]),
    );
    expect(answers.agents.some((agent) => agent.notDeleted?.length && agent.progress && agent.timeline)).toBe(
      true,
    );
    expect(new Set(answers.resources.map((resource) => resource.status))).toEqual(
      new Set(["deleted", "left"]),
    );
    expect(answers.logPages[0]?.continuation).toBeDefined();
    expect(answers.logPages[1]?.items.some((line) => line.fields)).toBe(true);
    expect(answers.runEventPages.every((page) => page.items.length > 0)).toBe(true);
    expect(answers.metrics[0]?.scenarios.map((scenario) => scenario.successRate)).toContain(0);
    expect(answers.metrics[2]?.runs.successRate).toBeNull();
    expect(answers.cleanups[0]).toMatchObject({ status: "completed", truncated: true, agentsNamed: 0 });
    expect(answers.cleanups[0]?.agents?.[0]?.secret?.reason).toBeDefined();
  });

  it("accept every record and page the store returns, dropping nothing", () => {
    for (const [kind, values] of Object.entries(answers) as [keyof Answers, unknown[]][]) {
      for (const value of values) {
        const result = v.safeParse(SCHEMA_OF[kind], value);
        expect(result.issues?.map(describeIssue), kind).toBeUndefined();
        // An object schema drops keys it does not know: the output equal to the input means none is missed.
        expect(result.output, kind).toEqual(value);
      }
    }
  });

  it("reject records that are not what the store writes", () => {
    const run = answers.executions[0]!;
    const agent = run.agents[1]!;
    const resource = answers.resources[0]!;
    const log = answers.logPages[0]!.items[0]!;
    const event = answers.runEventPages[0]!.items[0]!;
    const metrics = answers.metrics[0]!;
    const wrong: [v.GenericSchema, unknown, string][] = [
      [ExecutionRecordSchema, { ...run.execution, status: "finished" }, "status"],
      [ExecutionRecordSchema, { ...run.execution, requestedAt: "2026-11-24T06:00:00Z" }, "requestedAt"],
      [
        ExecutionRecordSchema,
        { ...run.execution, failure: { phase: "lunch", reason: "hungry" } },
        "failure.phase",
      ],
      [ExecutionWithAgentsSchema, { ...run, agents: [{ ...agent, stage: "deleted" }] }, "agents.0.stage"],
      [AgentRecordSchema, { ...agent, logCount: -1 }, "logCount"],
      [
        AgentRecordSchema,
        { ...agent, timeline: { ...agent.timeline, cleaned: "yesterday" } },
        "timeline.cleaned",
      ],
      [
        AgentRecordSchema,
        { ...agent, identity: { displayName: "x", appId: "not-a-guid" } },
        "identity.appId",
      ],
      [
        ResourceRecordSchema,
        { ...resource, deletionsSeen: [{ at: resource.updatedAt, by: "gremlins" }] },
        "deletionsSeen.0.by",
      ],
      [ResourceRecordSchema, { ...resource, id: resource.resourceId }, "id"],
      [LogRecordSchema, { ...log, sequence: 0 }, "sequence"],
      [LogRecordSchema, { ...log, fields: { nested: { a: 1 } } }, "fields.nested"],
      [
        RunEventRecordSchema,
        { ...event, event: { ...event.event, type: "com.haymaker.run.exploded.v1" } },
        "event.type",
      ],
      [MetricsSchema, { ...metrics, runs: { ...metrics.runs, successRate: 1.5 } }, "runs.successRate"],
    ];
    for (const [schema, value, path] of wrong) {
      const result = v.safeParse(schema, value);
      expect(result.success, path).toBe(false);
      expect(result.issues?.map(describeIssue).join("; ")).toContain(`${path}:`);
      expect(jsonSchemaValidator(schema)(value), path).toBe(false);
    }
    // valibot's record schema takes an array for an object (as `{}`); JSON Schema, what clients read, does not.
    const arrayData = { ...event, event: { ...event.event, data: [] } };
    expect(jsonSchemaValidator(RunEventRecordSchema)(arrayData)).toBe(false);
  });

  it("convert to JSON Schema 2020-12 without losing a rule, and that JSON Schema agrees with them", () => {
    for (const [kind, values] of Object.entries(answers) as [keyof Answers, unknown[]][]) {
      const validate = jsonSchemaValidator(SCHEMA_OF[kind]);
      for (const value of values) expect(validate(value) ? [] : validate.errors, kind).toEqual([]);
    }
  });

  it("convert every schema the module exports", async () => {
    const exported = Object.entries(await import("./record-schemas.ts"));
    for (const [name, schema] of exported) {
      const converted = () =>
        typeof schema === "function"
          ? toJsonSchema(schema(LogRecordSchema), { target: "draft-2020-12", errorMode: "throw" })
          : toJsonSchema(schema, { target: "draft-2020-12", errorMode: "throw" });
      expect(converted, name).not.toThrow();
    }
    expect(exported.length).toBeGreaterThan(15);
  });
});

const ajv = new Ajv2020({ strict: true, allErrors: true });
const validators = new Map<v.GenericSchema, ValidateFunction>();

/** The schema as JSON Schema 2020-12, compiled by ajv in strict mode (unknown keywords are errors). */
function jsonSchemaValidator(schema: v.GenericSchema): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    // As the gateway converts responses (typeMode "output"); errorMode "throw": any schema or action
    // JSON Schema cannot express fails the conversion.
    validate = ajv.compile(
      toJsonSchema(schema, { target: "draft-2020-12", typeMode: "output", errorMode: "throw" }),
    );
    validators.set(schema, validate);
  }
  return validate;
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  return `${v.getDotPath(issue) ?? "(root)"}: ${issue.message}`;
}
