import { describe, expect, expectTypeOf, it } from "vitest";
import { EventDataError, UnknownEventTypeError } from "../errors.ts";
import { EXAMPLE_DATA } from "./examples.ts";
import {
  EVENT_NAMES,
  EVENT_REGISTRY,
  EVENT_TYPES,
  type EventData,
  type EventName,
  type EventOf,
  eventNameOf,
  eventType,
  type HayMakerEvent,
  isEventType,
  parseEventData,
} from "./registry.ts";

const ALL_EVENTS = [
  "run.requested",
  "run.validated",
  "run.rejected",
  "agent.selected",
  "identity.provisioned",
  "agent.deployed",
  "agent.check",
  "agent.finished",
  "cleanup.required",
  "agent.cleaned",
  "report.due",
  "run.completed",
  "run.failed",
  "agent.log",
  "agent.resource.created",
  "agent.resource.deleted",
  "agent.progress",
  "run.cancel.requested",
  "cleanup.requested",
  "cleanup.completed",
];

/** Parses an example with some fields replaced and some left out, returning the error it throws. */
function failure(
  name: EventName,
  patch: Record<string, unknown>,
  omit: readonly string[] = [],
): EventDataError {
  const data: Record<string, unknown> = { ...EXAMPLE_DATA[name], ...patch };
  for (const key of omit) delete data[key];
  try {
    parseEventData(eventType(name), data);
  } catch (error) {
    if (error instanceof EventDataError) return error;
    throw error;
  }
  throw new Error(`expected ${name} with ${JSON.stringify(patch)} to be rejected`);
}

describe("event registry", () => {
  it("knows exactly the HayMaker events", () => {
    expect([...EVENT_NAMES].sort()).toEqual([...ALL_EVENTS].sort());
    expect(EVENT_TYPES).toContain("com.haymaker.run.requested.v1");
    expect(EVENT_REGISTRY["com.haymaker.agent.log.v1"].topic).toBe("agent-telemetry");
    expect(EVENT_REGISTRY["com.haymaker.run.requested.v1"].name).toBe("run.requested");
  });

  it("maps short names to CloudEvents types and back", () => {
    expect(eventType("run.cancel.requested")).toBe("com.haymaker.run.cancel.requested.v1");
    expect(eventNameOf("com.haymaker.agent.resource.created.v1")).toBe("agent.resource.created");
    expect(eventNameOf("agent.log")).toBe("agent.log");
    expect(isEventType("com.haymaker.run.requested.v1")).toBe(true);
    expect(isEventType("com.haymaker.run.requested.v2")).toBe(false);
    expect(() => eventNameOf("com.haymaker.nope.v1" as never)).toThrow(UnknownEventTypeError);
    expect(() => eventNameOf("toString" as never)).toThrow(UnknownEventTypeError);
  });

  it.each(ALL_EVENTS as EventName[])("accepts the %s example", (name) => {
    expect(parseEventData(eventType(name), EXAMPLE_DATA[name])).toMatchObject(EXAMPLE_DATA[name] as object);
  });

  it("types data by event type", () => {
    const data = parseEventData("com.haymaker.run.requested.v1", EXAMPLE_DATA["run.requested"]);
    expectTypeOf(data.duration).toEqualTypeOf<string>();
    expectTypeOf(data.tags).toEqualTypeOf<Record<string, string>>();
    expectTypeOf<EventOf<"agent.finished">["data"]>().toEqualTypeOf<EventData<"agent.finished">>();
    expectTypeOf<EventOf<"agent.finished">["type"]>().toEqualTypeOf<"com.haymaker.agent.finished.v1">();
    const narrow = (event: HayMakerEvent) =>
      event.type === "com.haymaker.agent.check.v1" ? event.data.checkNumber : 0;
    expectTypeOf(narrow).returns.toEqualTypeOf<number>();
  });

  it("fills defaults and drops unknown fields", () => {
    const { tags: _tags, ...withoutTags } = EXAMPLE_DATA["run.requested"];
    const data = parseEventData("com.haymaker.run.requested.v1", { ...withoutTags, surprise: "x" });
    expect(data.tags).toEqual({});
    expect(data).not.toHaveProperty("surprise");
  });

  it("throws UnknownEventTypeError for types it does not know", () => {
    expect(() => parseEventData("com.haymaker.run.exploded.v1", {})).toThrow(UnknownEventTypeError);
  });

  it("names the type and the field in the message", () => {
    const error = failure("run.requested", { duration: "8 hours" });
    expect(error.message).toBe(
      'com.haymaker.run.requested.v1: data.duration: expected an ISO-8601 duration like PT8H (days, hours, minutes, seconds), got "8 hours"',
    );
    expect(error.path).toBe("data.duration");
    expect(error.eventType).toBe("com.haymaker.run.requested.v1");
  });

  it("counts further problems", () => {
    const error = failure("run.requested", { runId: 42 }, ["requestedBy"]);
    expect(error.message).toBe(
      "com.haymaker.run.requested.v1: data.runId: expected string, got 42 (and 1 more)",
    );
    expect(error.problems[1]).toEqual({ path: "data.requestedBy", reason: "is required" });
  });
});

interface Case {
  name: EventName;
  patch: Record<string, unknown>;
  omit?: string[];
  path: string;
  reason: RegExp;
}

const example = EXAMPLE_DATA;
const otherRg = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/other";

const INVALID: Case[] = [
  {
    name: "run.requested",
    patch: { runId: "Run_1" },
    path: "data.runId",
    reason: /lowercase letters, digits and single hyphens/,
  },
  {
    name: "run.requested",
    patch: { runId: `r${"x".repeat(40)}` },
    path: "data.runId",
    reason: /at most 32 characters/,
  },
  {
    name: "run.requested",
    patch: { duration: "P8D" },
    path: "data.duration",
    reason: /between PT1S and P7D, got "P8D"/,
  },
  {
    name: "run.requested",
    patch: { duration: "PT0S" },
    path: "data.duration",
    reason: /between PT1S and P7D/,
  },
  { name: "run.requested", patch: { duration: "P1M" }, path: "data.duration", reason: /ISO-8601 duration/ },
  {
    name: "run.requested",
    patch: { size: "huge" },
    path: "data.size",
    reason: /"small", "medium" or "large", got "huge"/,
  },
  {
    name: "run.requested",
    patch: { scenarios: ["a-b"] },
    path: "data",
    reason: /exactly one of "size" or "scenarios"/,
  },
  { name: "run.requested", patch: {}, omit: ["size"], path: "data", reason: /exactly one of/ },
  {
    name: "run.requested",
    patch: { scenarios: [] },
    omit: ["size"],
    path: "data.scenarios",
    reason: /at least 1 scenario ids/,
  },
  {
    name: "run.requested",
    patch: { scenarios: ["vm-start-stop", "vm-start-stop"] },
    omit: ["size"],
    path: "data.scenarios",
    reason: /distinct/,
  },
  {
    name: "run.requested",
    patch: { requestedAt: "2026-02-30T00:00:00Z" },
    path: "data.requestedAt",
    reason: /RFC 3339/,
  },
  {
    name: "run.requested",
    patch: { tags: { "haymaker-run": "x" } },
    path: 'data.tags["haymaker-run"]',
    reason: /reserved/,
  },
  {
    name: "run.requested",
    patch: { tags: { "bad key": "x" } },
    path: 'data.tags["bad key"]',
    reason: /invalid key/,
  },
  {
    name: "run.requested",
    patch: { tags: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`t${i}`, "v"])) },
    path: "data.tags",
    reason: /at most 16 tags/,
  },
  {
    name: "run.requested",
    patch: { requestedBy: "ops\nINFO forged log line" },
    path: "data.requestedBy",
    reason: /control characters/,
  },
  { name: "run.validated", patch: { checks: [] }, path: "data.checks", reason: /at least 1 checks/ },
  {
    name: "run.validated",
    patch: { checks: [{ name: "quota" }] },
    path: "data.checks[0].ok",
    reason: /is required/,
  },
  {
    name: "run.rejected",
    patch: { failedChecks: [] },
    path: "data.failedChecks",
    reason: /at least 1 failed checks/,
  },
  { name: "agent.selected", patch: { index: 5 }, path: "data.index", reason: /less than total/ },
  { name: "agent.selected", patch: { total: 51 }, path: "data.total", reason: /at most 50 agents/ },
  {
    name: "agent.selected",
    patch: { deadline: "tomorrow" },
    path: "data.deadline",
    reason: /RFC 3339.*got "tomorrow"/,
  },
  { name: "agent.selected", patch: { agentId: "-a" }, path: "data.agentId", reason: /an agent id/ },
  {
    name: "identity.provisioned",
    patch: { secretRef: "hunter2-is-my-password" },
    path: "data.secretRef",
    reason: /secret reference.*got a string of 22 characters \(not shown\)/,
  },
  {
    name: "identity.provisioned",
    patch: { secretRef: "https://evil.example.com/secrets/x" },
    path: "data.secretRef",
    reason: /Key Vault secret id/,
  },
  {
    name: "identity.provisioned",
    patch: { roles: [{ role: "Owner", scope: otherRg }] },
    path: "data.roles",
    reason: /inside the agent's resource group/,
  },
  {
    name: "identity.provisioned",
    patch: { roles: [] },
    path: "data.roles",
    reason: /at least 1 role assignments/,
  },
  {
    name: "identity.provisioned",
    patch: { identity: { ...example["identity.provisioned"].identity, appId: "not-a-guid" } },
    path: "data.identity.appId",
    reason: /GUID/,
  },
  {
    name: "agent.deployed",
    patch: { runtimeRef: "docker://x" },
    path: "data.runtimeRef",
    reason: /runtime reference/,
  },
  {
    name: "agent.deployed",
    patch: { deployedAt: 1764000000000 },
    path: "data.deployedAt",
    reason: /expected string, got 1764000000000/,
  },
  { name: "agent.check", patch: { checkNumber: 0 }, path: "data.checkNumber", reason: /at least 1/ },
  { name: "agent.check", patch: { checkNumber: 1.5 }, path: "data.checkNumber", reason: /integer/ },
  {
    name: "agent.finished",
    patch: { outcome: "exploded" },
    path: "data.outcome",
    reason: /"completed", "failed", "timed-out"/,
  },
  { name: "agent.finished", patch: { exitCode: "0" }, path: "data.exitCode", reason: /expected number/ },
  {
    name: "cleanup.required",
    patch: { leftovers: [{ resourceId: "/not/an/arm/id", type: "Microsoft.Storage/storageAccounts" }] },
    path: "data.leftovers[0].resourceId",
    reason: /ARM resource id/,
  },
  {
    name: "agent.cleaned",
    patch: { identityDeleted: "yes" },
    path: "data.identityDeleted",
    reason: /expected boolean/,
  },
  {
    name: "agent.cleaned",
    patch: { notDeleted: [{ resourceId: "/subscriptions/x", reason: "locked" }] },
    path: "data.notDeleted[0].resourceId",
    reason: /ARM resource id/,
  },
  {
    name: "run.completed",
    patch: {
      report: {
        ...example["run.completed"].report,
        json: "https://acct.blob.core.windows.net/r/x.json?sig=abc",
      },
    },
    path: "data.report.json",
    reason: /without a query/,
  },
  {
    name: "run.completed",
    patch: { report: { ...example["run.completed"].report, markdown: "local:../../etc/passwd" } },
    path: "data.report.markdown",
    reason: /relative path/,
  },
  {
    name: "run.completed",
    patch: { summary: { ...example["run.completed"].summary, completed: 5 } },
    path: "data.summary.agents",
    reason: /completed \+ failed \+ timedOut \+ cancelled/,
  },
  {
    name: "run.failed",
    patch: { phase: "gateway" },
    path: "data.phase",
    reason: /expected one of validate, select/,
  },
  {
    name: "run.failed",
    patch: { reason: "x".repeat(2000) },
    path: "data.reason",
    reason: /at most 1024 characters, got "x{64}"\.\.\. \(2000 characters\)/,
  },
  {
    name: "run.failed",
    patch: { reason: "connect failed: Endpoint=sb://x/;SharedAccessKeyName=root;SharedAccessKey=abcdef" },
    path: "data.reason",
    reason: /must not contain a secret.*not shown/,
  },
  {
    name: "agent.log",
    patch: { level: "fatal" },
    path: "data.level",
    reason: /"debug", "info", "warn" or "error"/,
  },
  { name: "agent.log", patch: { message: "" }, path: "data.message", reason: /must not be empty/ },
  {
    name: "agent.log",
    patch: { message: "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig" },
    path: "data.message",
    reason: /must not contain a secret/,
  },
  {
    name: "agent.log",
    patch: { fields: { nested: { a: 1 } } },
    path: "data.fields.nested",
    reason: /string, number, boolean or null/,
  },
  {
    name: "agent.resource.created",
    patch: { resourceType: "storage account" },
    path: "data.resourceType",
    reason: /ARM resource type/,
  },
  {
    name: "agent.resource.deleted",
    patch: { resourceId: "" },
    path: "data.resourceId",
    reason: /ARM resource id/,
  },
  {
    name: "agent.progress",
    patch: { stage: "teardown" },
    path: "data.stage",
    reason: /"deploy", "operate" or "cleanup"/,
  },
  { name: "agent.progress", patch: { step: 5 }, path: "data.step", reason: /at most stepsTotal/ },
  {
    name: "run.cancel.requested",
    patch: { requestedBy: "" },
    path: "data.requestedBy",
    reason: /must not be empty/,
  },
  {
    name: "cleanup.requested",
    patch: {},
    omit: ["runId"],
    path: "data",
    reason: /at least one of "runId" or "scenarioId"/,
  },
  {
    name: "cleanup.requested",
    patch: { dryRun: "no" },
    path: "data.dryRun",
    reason: /expected boolean, got "no"/,
  },
  { name: "cleanup.requested", patch: {}, omit: ["dryRun"], path: "data.dryRun", reason: /is required/ },
  {
    name: "cleanup.requested",
    patch: { cleanupId: "run-20261124-0600-k3f9" },
    path: "data.cleanupId",
    reason: /starting with "cleanup-"/,
  },
  {
    name: "cleanup.requested",
    patch: { agents: [{ runId: "r1", agentId: "a01", scenarioId: "s1", secretRef: "hunter2" }] },
    path: "data.agents[0].secretRef",
    reason: /expected a secret reference/,
  },
  {
    name: "cleanup.completed",
    patch: { cleanupId: undefined },
    path: "data.cleanupId",
    reason: /is required/,
  },
  {
    name: "cleanup.completed",
    patch: {
      unowned: {
        deleted: [],
        notDeleted: [
          {
            resourceId: "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/g",
            reason: "failed: Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijk",
          },
        ],
      },
    },
    path: "data.unowned.notDeleted[0].reason",
    reason: /must not contain a secret/,
  },
  {
    name: "cleanup.completed",
    patch: { counts: { ...EXAMPLE_DATA["cleanup.completed"].counts, secretsDeleted: -1 } },
    path: "data.counts.secretsDeleted",
    reason: /at least 0/,
  },
  { name: "report.due", patch: { total: 0 }, path: "data.total", reason: /at least 1 agent/ },
  { name: "report.due", patch: { dueAt: "in twenty minutes" }, path: "data.dueAt", reason: /timestamp|RFC/i },
];

describe("invalid event data", () => {
  it("has a rejected example for every event type", () => {
    expect(new Set(INVALID.map((c) => c.name))).toEqual(new Set(ALL_EVENTS));
  });

  it.each(INVALID)("rejects $name at $path ($reason)", ({ name, patch, omit, path, reason }) => {
    const error = failure(name, patch, omit);
    expect(error.path).toBe(path);
    expect(error.reason).toMatch(reason);
    expect(error.message.startsWith(`${eventType(name)}: ${path}: `)).toBe(true);
  });
});
