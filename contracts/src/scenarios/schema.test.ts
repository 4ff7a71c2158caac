import { describe, expect, it } from "vitest";
import { type EditableDocument, FIXTURE_FILE, fixtureError, fixtureYaml, parseFixture } from "./fixture.ts";
import { parseScenario } from "./parse.ts";
import { ScenarioError } from "./scenario-error.ts";

describe("parseScenario: a valid scenario", () => {
  it("returns it typed, with defaults filled in", () => {
    const scenario = parseFixture();
    expect(scenario.id).toBe("fixture-scenario");
    expect(scenario.location).toBe("westeurope");
    expect(scenario.steps.deploy[0]).toMatchObject({ action: "put", optional: false });
    expect(scenario.parameters.days).toEqual({
      type: "integer",
      default: 30,
      description: "Retention in days.",
      allowed: [30, 60],
    });
  });

  it("fills in an empty parameter map", () => {
    const scenario = parseFixture((document) => {
      delete document.parameters;
      document.steps.operate[1].body.tags.days = "30";
    });
    expect(scenario.parameters).toEqual({});
  });

  it("names the file by its base name when checking the id", () => {
    expect(parseScenario(fixtureYaml(), "/abs/path/to/fixture-scenario.yaml").id).toBe("fixture-scenario");
  });
});

type Case = [label: string, change: (document: EditableDocument) => void, path: string, reason: RegExp];

const SHAPE_CASES: Case[] = [
  [
    "an id that differs from the file name",
    (d) => (d.id = "other-scenario"),
    "id",
    /file name without ".yaml"/,
  ],
  ["an id that is not a DNS name", (d) => (d.id = "Fixture_Scenario"), "id", /expected a scenario id/],
  ["a missing title", (d) => delete d.title, "title", /is required/],
  ["an unknown field", (d) => (d.owner = "bob"), "owner", /unknown field; expected one of: id, title/],
  ["a misspelt step field", (d) => (d.steps.deploy[0].bdy = {}), "steps.deploy[0].bdy", /unknown field/],
  [
    "an unknown area",
    (d) => (d.technologyArea = "network"),
    "technologyArea",
    /expected one of: compute, storage/,
  ],
  ["a company without a story", (d) => delete d.company.story, "company.story", /is required/],
  ["no roles", (d) => (d.roles = []), "roles", /at least 1 roles/],
  [
    "a role name with odd characters",
    (d) => (d.roles = ["Contributor; rm"]),
    "roles[0]",
    /built-in role name/,
  ],
  ["a repeated role", (d) => (d.roles = ["Reader", "Reader"]), "roles", /distinct roles/],
  ["a region with capitals", (d) => (d.location = "West Europe"), "location", /Azure region name/],
  [
    "a non-date API version",
    (d) => (d.steps.deploy[1].resource.apiVersion = "latest"),
    "steps.deploy[1].resource.apiVersion",
    /expected a date-like API version such as 2023-05-01, got "latest"/,
  ],
  [
    "a resource type without a namespace",
    (d) => (d.steps.cleanup[0].resource = { ...d.steps.cleanup[0].resource, type: "storageAccounts" }),
    "steps.cleanup[0].resource.type",
    /expected an ARM resource type/,
  ],
  ["a put without a body", (d) => delete d.steps.deploy[0].body, "steps.deploy[0].body", /is required/],
  [
    "a post without an operation",
    (d) => delete d.steps.operate[0].operation,
    "steps.operate[0].operation",
    /is required/,
  ],
  [
    "an operation that is a path",
    (d) => (d.steps.operate[0].operation = "../regenerateKey"),
    "steps.operate[0].operation",
    /resource action name/,
  ],
  ["a get with a body", (d) => (d.steps.cleanup[0].body = {}), "steps.cleanup[0].body", /unknown field/],
  [
    "an unknown action",
    (d) => (d.steps.deploy[0].action = "create"),
    "steps.deploy[0].action",
    /expected one of: put, patch, get, post, delete, list/,
  ],
  [
    "a pause in deploy",
    (d) => d.steps.deploy.unshift({ name: "Wait", action: "pause", duration: "PT1M" }),
    "steps.deploy[0].action",
    /pause only in operate/,
  ],
  [
    "a pause longer than 30 minutes",
    (d) => (d.steps.operate[2].duration = "PT31M"),
    "steps.operate[2].duration",
    /between PT1S and PT30M/,
  ],
  [
    "a pause that is not a duration",
    (d) => (d.steps.operate[2].duration = "5 minutes"),
    "steps.operate[2].duration",
    /ISO-8601/,
  ],
  [
    "an HTTP status out of range",
    (d) => (d.steps.deploy[0].expect = { status: [200, 700] }),
    "steps.deploy[0].expect.status[1]",
    /HTTP status code/,
  ],
  ["empty deploy", (d) => (d.steps.deploy = []), "steps.deploy", /at least 1 deploy steps/],
  ["no cleanup", (d) => delete d.steps.cleanup, "steps.cleanup", /is required/],
  [
    "a default outside the allowed values",
    (d) => (d.parameters.days.default = 45),
    "parameters.days.default",
    /one of the allowed values/,
  ],
  [
    "a default of the wrong type",
    (d) => (d.parameters.days.default = "30"),
    "parameters.days.default",
    /expected number/,
  ],
  [
    "an unknown parameter type",
    (d) => (d.parameters.days.type = "number"),
    "parameters.days.type",
    /string, integer, boolean/,
  ],
  [
    "allowed values on a boolean",
    (d) => (d.parameters.flag = { type: "boolean", default: true, description: "x", allowed: [true] }),
    "parameters.flag.allowed",
    /unknown field/,
  ],
  [
    "a parameter name with a dash",
    (d) => (d.parameters["retention-days"] = d.parameters.days),
    'parameters["retention-days"]',
    /parameter name/,
  ],
  [
    "a parameter value that is a template",
    (d) => (d.parameters.region = { type: "string", default: "{{location}}", description: "x" }),
    "parameters.region",
    /not templates/,
  ],
  [
    "a body that is a list",
    (d) => (d.steps.deploy[0].body = [1]),
    "steps.deploy[0].body",
    /expected a map, got an array of 1 items/,
  ],
];

const RULE_CASES: Case[] = [
  [
    "a deploy without a put",
    (d) => (d.steps.deploy = [{ name: "Look", action: "get", resource: d.steps.cleanup[0].resource }]),
    "steps.deploy",
    /at least one put/,
  ],
  ["an operate without a pause", (d) => d.steps.operate.pop(), "steps.operate", /at least one pause/],
  [
    "an operate of pauses only",
    (d) => (d.steps.operate = [{ name: "Wait", action: "pause", duration: "PT1M" }]),
    "steps.operate",
    /besides pauses/,
  ],
  [
    "a storage account name that is too long",
    (d) => {
      for (const step of [d.steps.deploy[0], d.steps.cleanup[0]]) {
        step.resource = { ...step.resource, name: "{{agent}}" };
      }
    },
    "steps.deploy[0].resource.name",
    /3-24 lowercase letters and digits/,
  ],
  [
    "a nested name with too few parts",
    (d) => (d.steps.deploy[1].resource.name = "st{{unique}}/invoices"),
    "steps.deploy[1].resource.name",
    /expected 3 "\/"-separated names/,
  ],
  [
    "a name with characters Azure refuses",
    (d) => (d.steps.deploy[1].resource.name = "st{{unique}}/default/in voices"),
    "steps.deploy[1].resource.name",
    /1-64 letters, digits/,
  ],
  [
    "a name that is only valid with the default parameter value",
    (d) => {
      d.parameters.container = {
        type: "string",
        default: "invoices",
        description: "x",
        allowed: ["invoices", "bad name"],
      };
      d.steps.deploy[1].resource.name = "st{{unique}}/default/{{param.container}}";
    },
    "steps.deploy[1].resource.name",
    /got "bad name"/,
  ],
  [
    "a top-level list with a name",
    (d) => d.steps.operate.push({ name: "List", action: "list", resource: d.steps.cleanup[0].resource }),
    "steps.operate[3].resource.name",
    /takes no name/,
  ],
  [
    "a nested list without its parent",
    (d) =>
      d.steps.operate.push({
        name: "List",
        action: "list",
        resource: {
          type: "Microsoft.Storage/storageAccounts/blobServices/containers",
          apiVersion: "2023-05-01",
        },
      }),
    "steps.operate[3].resource.name",
    /parent whose/,
  ],
];

describe("parseScenario: refusals name the file and the field", () => {
  it.each([...SHAPE_CASES, ...RULE_CASES])("refuses %s", (_label, change, path, reason) => {
    const error = fixtureError(change);
    const line = error.message.split("\n").find((text) => text.startsWith(`${FIXTURE_FILE}: ${path}: `));
    expect(line, error.message).toBeDefined();
    expect(line).toMatch(reason);
    expect(error.problems.some((problem) => problem.path === path)).toBe(true);
  });

  it("reports every problem, one per line, first one in path and reason", () => {
    const error = fixtureError((d) => {
      d.title = "";
      d.technologyArea = "nope";
    });
    expect(error).toBeInstanceOf(ScenarioError);
    expect(error.name).toBe("ScenarioError");
    expect(error.file).toBe(FIXTURE_FILE);
    expect(error.path).toBe("title");
    expect(error.reason).toMatch(/must not be empty/);
    expect(error.message.split("\n")).toEqual([
      `${FIXTURE_FILE}: title: must not be empty, got ""`,
      expect.stringMatching(new RegExp(`^${FIXTURE_FILE}: technologyArea: expected one of`)),
    ]);
  });

  it.each([
    ["broken YAML", "id: [unclosed\n", /invalid YAML: .*at line 2, column 1/],
    ["duplicate keys", "id: a\nid: b\n", /invalid YAML: Map keys must be unique/],
    ["several documents", "id: a\n---\nid: b\n", /invalid YAML: .*multiple documents/],
    ["a list instead of a map", "- id: a\n", /expected a map with the fields id, title/],
    ["an empty file", "", /expected a map/],
    ["a huge file", `title: "${"x".repeat(300 * 1024)}"\n`, /expected at most 262144 bytes of YAML/],
  ])("refuses %s", (_label, text, reason) => {
    expect(() => parseScenario(text, FIXTURE_FILE)).toThrow(ScenarioError);
    expect(() => parseScenario(text, FIXTURE_FILE)).toThrow(new RegExp(`^${FIXTURE_FILE}: ${reason.source}`));
  });
});
