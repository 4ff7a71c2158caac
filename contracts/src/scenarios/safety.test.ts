import { describe, expect, it } from "vitest";
import { type EditableDocument, FIXTURE_FILE, fixtureError, parseFixture } from "./fixture.ts";
import { renderStep } from "./render.ts";
import type { ArmStep } from "./schema.ts";
import { type TemplateContext, TemplateError } from "./templates.ts";

/** Asserts the changed fixture is refused with `reason` at `path`, and the message says so. */
function expectRefused(change: (document: EditableDocument) => void, path: string, reason: RegExp): void {
  const error = fixtureError(change);
  const line = error.message.split("\n").find((text) => text.startsWith(`${FIXTURE_FILE}: ${path}: `));
  expect(line, error.message).toMatch(reason);
}

const OWN_ID =
  "/subscriptions/{{subscription}}/resourceGroups/{{resourceGroup}}/providers/Microsoft.Web/serverfarms/p";
const GUID = "00000000-0000-0000-0000-000000000000";
const OUTSIDE = /outside the agent's resource group/;

describe("only the agent's resource group", () => {
  it("accepts ids in the agent's own group, written with its variables", () => {
    expect(() =>
      parseFixture((d) => {
        d.steps.deploy[0].body.properties.serverFarmId = OWN_ID;
        d.steps.deploy[0].body.properties.nested = [
          { id: "/SUBSCRIPTIONS/{{ subscription }}/resourcegroups/{{resourceGroup}}" },
        ];
      }),
    ).not.toThrow();
  });

  it.each([
    [
      "another resource group",
      `/subscriptions/{{subscription}}/resourceGroups/prod-data/providers/Microsoft.Sql/servers/s`,
    ],
    ["another subscription", `/subscriptions/${GUID}/resourceGroups/{{resourceGroup}}/providers/x/y/z`],
    ["a tenant-level id", "/providers/Microsoft.Management/managementGroups/root"],
    ["an id inside a URL", `https://management.azure.com/subscriptions/${GUID}/resourceGroups/x`],
    ["a climb out of the group", "/subscriptions/{{subscription}}/resourceGroups/{{resourceGroup}}/../other"],
    ["two ids in one string", `${OWN_ID},/subscriptions/${GUID}/resourceGroups/x`],
  ])("refuses a body reference to %s", (_label, id) => {
    expectRefused(
      (d) => (d.steps.deploy[0].body.properties.id = id),
      "steps.deploy[0].body.properties.id",
      OUTSIDE,
    );
  });

  it("refuses it anywhere in a body, not only in id fields", () => {
    expectRefused(
      (d) => (d.steps.operate[0].body.source = { items: [`/subscriptions/${GUID}/resourceGroups/x`] }),
      "steps.operate[0].body.source.items[0]",
      OUTSIDE,
    );
  });

  it.each([
    `/subscriptions/${GUID}/resourceGroups/other/providers/Microsoft.Storage/storageAccounts/st1`,
    "subscriptions/x/resourceGroups/y",
    "st{{unique}}/../../other",
  ])("refuses the resource name %j", (name) => {
    expectRefused(
      (d) => (d.steps.operate[0].resource = { ...d.steps.operate[0].resource, name }),
      "steps.operate[0].resource.name",
      /relative to the agent's resource group|is not a resource name|expected 1 "\/"-separated name/,
    );
  });

  it("refuses the resource group itself and deployments", () => {
    expectRefused(
      (d) =>
        (d.steps.operate[0].resource = {
          type: "Microsoft.Resources/deployments",
          name: "d",
          apiVersion: "2024-03-01",
        }),
      "steps.operate[0].resource.type",
      /Microsoft\.Resources is refused/,
    );
  });
});

describe("cleanup deletes what is created", () => {
  it("refuses a top-level put without a matching delete", () => {
    expectRefused(
      (d) => (d.steps.cleanup[0].resource = { ...d.steps.cleanup[0].resource, name: "other{{unique}}" }),
      "steps.cleanup",
      /expected a delete of Microsoft\.Storage\/storageAccounts "st\{\{unique\}\}", which steps\.deploy\[0\] creates/,
    );
  });

  it("refuses a cleanup without any delete, and counts puts in operate", () => {
    expectRefused(
      (d) => {
        d.steps.operate.unshift({
          name: "Snapshot",
          action: "put",
          resource: {
            type: "Microsoft.Compute/snapshots",
            name: "snap-{{unique}}",
            apiVersion: "2024-03-02",
          },
          body: { location: "{{location}}" },
        });
      },
      "steps.cleanup",
      /Microsoft\.Compute\/snapshots "snap-\{\{unique\}\}", which steps\.operate\[0\] creates/,
    );
  });

  it("refuses a top-level resource named after the iteration", () => {
    expectRefused(
      (d) => {
        d.steps.operate.unshift({
          name: "Snapshot",
          action: "put",
          resource: {
            type: "Microsoft.Compute/snapshots",
            name: "snap-{{iteration}}",
            apiVersion: "2024-03-02",
          },
          body: {},
        });
      },
      "steps.operate[0].resource.name",
      /may not be named after \{\{iteration\}\}/,
    );
  });

  it("ignores spacing inside placeholders; nested puts need no delete", () => {
    expect(() =>
      parseFixture(
        (d) => (d.steps.cleanup[0].resource = { ...d.steps.cleanup[0].resource, name: "st{{ unique }}" }),
      ),
    ).not.toThrow();
  });
});

describe("HayMaker's tags", () => {
  it.each([["haymaker-run"], ["HayMaker-Agent"]])("refuses a body tag %s", (tag) => {
    expectRefused(
      (d) => (d.steps.deploy[0].body.tags[tag] = "x"),
      `steps.deploy[0].body.tags["${tag}"]`,
      /starting with "haymaker-" are reserved: the agent sets them itself/,
    );
  });

  it("refuses them in nested tags maps too", () => {
    expectRefused(
      (d) => (d.steps.operate[1].body.properties = { tags: { "haymaker-scenario": "x" } }),
      'steps.operate[1].body.properties.tags["haymaker-scenario"]',
      /reserved/,
    );
  });
});

describe("no secrets", () => {
  const KEY = "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=Zm9vYmFy";

  it.each([
    ["the title", (d: EditableDocument) => (d.title = `Rotate ${KEY}`), "title"],
    [
      "the story",
      (d: EditableDocument) => (d.company.story = `Uses Password=hunter2 daily`),
      "company.story",
    ],
    [
      "a step name",
      (d: EditableDocument) => (d.steps.operate[2].name = `sig=${"A".repeat(20)}`),
      "steps.operate[2].name",
    ],
    [
      "a body",
      (d: EditableDocument) => (d.steps.deploy[0].body.properties.conn = KEY),
      "steps.deploy[0].body.properties.conn",
    ],
    [
      "a parameter default",
      (d: EditableDocument) => (d.parameters.conn = { type: "string", default: KEY, description: "x" }),
      "parameters.conn.default",
    ],
    [
      "a map key",
      (d: EditableDocument) => (d.steps.deploy[0].body.tags[`sig=${"A".repeat(20)}`] = "v"),
      /steps\.deploy\[0\]\.body\.tags\[/,
    ],
  ])("refuses secret-looking text in %s", (_label, change, path) => {
    const error = fixtureError(change);
    const line = error.message
      .split("\n")
      .find((text) =>
        typeof path === "string" ? text.startsWith(`${FIXTURE_FILE}: ${path}: `) : path.test(text),
      );
    expect(line, error.message).toMatch(/must not contain a secret/);
    expect(error.message).not.toContain("Zm9vYmFy");
  });

  it("refuses password and key fields however they are filled in", () => {
    expectRefused(
      (d) => (d.steps.deploy[0].body.properties.administratorLoginPassword = "Tr0ub4dor&3"),
      "steps.deploy[0].body.properties.administratorLoginPassword",
      /must not set a password or key/,
    );
  });

  it("refuses writing Key Vault secrets and actions that read credentials, but allows rotation", () => {
    expectRefused(
      (d) => {
        d.steps.operate[1].resource = {
          type: "Microsoft.KeyVault/vaults/secrets",
          name: "kv{{unique}}/s",
          apiVersion: "2023-07-01",
        };
        d.steps.operate[1].body = { properties: { contentType: "text/plain" } };
      },
      "steps.operate[1].resource.type",
      /do not write secrets/,
    );
    for (const operation of [
      "listKeys",
      "listAccountSas",
      "sharedKeys",
      "listCredentials",
      "listConnectionStrings",
    ]) {
      expectRefused(
        (d) => (d.steps.operate[0].operation = operation),
        "steps.operate[0].operation",
        /would read credentials/,
      );
    }
    expect(() => parseFixture((d) => (d.steps.operate[0].operation = "regenerateKey"))).not.toThrow();
  });
});

describe("no permission changes", () => {
  it.each(["Owner", "User Access Administrator", "role based access control administrator"])(
    "refuses the role %s",
    (role) => {
      expectRefused((d) => d.roles.push(role), "roles[1]", /can grant access/);
    },
  );

  it.each([
    ["Microsoft.Authorization/roleAssignments", /role assignments, policies and locks/],
    ["Microsoft.Authorization/locks", /role assignments, policies and locks/],
    ["Microsoft.ManagedIdentity/userAssignedIdentities", /do not create identities/],
  ])("refuses %s", (type, reason) => {
    expectRefused(
      (d) => (d.steps.operate[1].resource = { type, name: "x", apiVersion: "2022-04-01" }),
      "steps.operate[1].resource.type",
      reason,
    );
  });
});

describe("no weakened security", () => {
  it.each([
    ["supportsHttpsTrafficOnly", false],
    ["httpsOnly", false],
    ["allowBlobPublicAccess", true],
    ["publicAccess", "Container"],
    ["adminUserEnabled", true],
    ["minimumTlsVersion", "TLS1_0"],
    ["minTlsVersion", "1.1"],
    ["ftpsState", "AllAllowed"],
    ["disablePasswordAuthentication", false],
    ["enableSoftDelete", false],
  ])("refuses %s: %j", (key, value) => {
    expectRefused(
      (d) => (d.steps.deploy[0].body.properties[key] = value),
      `steps.deploy[0].body.properties.${key}`,
      /scenarios must not weaken security/,
    );
  });

  it("refuses a weakening that only a parameter default spells out", () => {
    expectRefused(
      (d) => {
        d.parameters.https = { type: "boolean", default: false, description: "x" };
        d.steps.deploy[0].body.properties.supportsHttpsTrafficOnly = "{{param.https}}";
      },
      "steps.deploy[0].body.properties.supportsHttpsTrafficOnly",
      /plain HTTP/,
    );
  });

  it.each([
    [{ sourceAddressPrefix: "*", destinationPortRange: "22" }],
    [{ sourceAddressPrefix: "Internet", destinationPortRange: "3000-4000" }],
    [{ sourceAddressPrefixes: ["10.0.0.0/8", "0.0.0.0/0"], destinationPortRanges: ["443", "3389"] }],
  ])("refuses an NSG rule that opens SSH/RDP to the internet: %j", (rule) => {
    expectRefused(
      (d) => (d.steps.deploy[0].body.properties.rule = { access: "Allow", direction: "Inbound", ...rule }),
      "steps.deploy[0].body.properties.rule",
      /would open SSH or RDP to the whole internet/,
    );
  });

  it("allows management ports from a known range, and other ports from anywhere", () => {
    expect(() =>
      parseFixture((d) => {
        d.steps.deploy[0].body.properties.rules = [
          {
            access: "Allow",
            direction: "Inbound",
            sourceAddressPrefix: "203.0.113.0/24",
            destinationPortRange: "22",
          },
          { access: "Allow", direction: "Inbound", sourceAddressPrefix: "*", destinationPortRange: "443" },
          { access: "Deny", direction: "Inbound", sourceAddressPrefix: "*", destinationPortRange: "*" },
        ];
      }),
    ).not.toThrow();
  });
});

describe("renderStep: the same rules on the rendered request", () => {
  const context: TemplateContext = {
    run: "run-20261124-0600-k3f9",
    agent: "a01",
    unique: "q7x2m5n8",
    location: "westeurope",
    resourceGroup: "hm-k3f9-a01",
    subscription: "11111111-2222-3333-4444-555555555555",
    tenant: "99999999-8888-7777-6666-555555555555",
    iteration: 2,
    params: { days: 30 },
  };
  const scenario = parseFixture((d) => (d.steps.deploy[0].body.properties.farm = OWN_ID));
  type PutStep = Extract<ArmStep, { action: "put" }>;
  const [createAccount, createContainer] = scenario.steps.deploy as [PutStep, PutStep];

  it("renders the name, path and body for this agent", () => {
    const rendered = renderStep(createAccount, context);
    expect(rendered).toMatchObject({
      name: "Create the account",
      action: "put",
      type: "Microsoft.Storage/storageAccounts",
      apiVersion: "2023-05-01",
      resourceName: "stq7x2m5n8",
      path: "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/hm-k3f9-a01/providers/Microsoft.Storage/storageAccounts/stq7x2m5n8",
      optional: false,
    });
    expect(rendered.body).toMatchObject({
      location: "westeurope",
      properties: {
        farm: "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/hm-k3f9-a01/providers/Microsoft.Web/serverfarms/p",
      },
    });
    expect(renderStep(createContainer, context).path).toMatch(
      /\/storageAccounts\/stq7x2m5n8\/blobServices\/default\/containers\/invoices$/,
    );
  });

  it("refuses a parameter value chosen by a run that leads outside the group", () => {
    const step: ArmStep = {
      ...createAccount,
      body: { properties: { source: "/subscriptions/{{subscription}}/resourceGroups/{{param.group}}/x" } },
    };
    expect(() => renderStep(step, { ...context, params: { group: "{{resourceGroup}}" } })).toThrow(OUTSIDE);
    expect(() => renderStep(step, { ...context, params: { group: "prod" } })).toThrow(TemplateError);
    expect(() => renderStep(step, { ...context, params: { group: "hm-k3f9-a01" } })).not.toThrow();
  });

  it("refuses a run's parameter value that makes a bad name or weakens security", () => {
    const named: ArmStep = {
      ...createAccount,
      resource: { ...createAccount.resource, name: "{{param.name}}" },
    };
    expect(() => renderStep(named, { ...context, params: { name: "../other" } })).toThrow(/resource\.name: /);
    const weak: ArmStep = {
      ...createAccount,
      body: { properties: { supportsHttpsTrafficOnly: "{{param.https}}" } },
    };
    expect(() => renderStep(weak, { ...context, params: { https: false } })).toThrow(/plain HTTP/);
  });

  it("names an unknown variable", () => {
    const step: ArmStep = { ...createAccount, body: { location: "{{region}}" } };
    expect(() => renderStep(step, context)).toThrow(
      /^body\.location: unknown template variable "\{\{region\}\}"/,
    );
  });
});
