import { fileURLToPath } from "node:url";
import { ConfigError } from "@haymaker/config";
import { uniqueSuffix } from "@haymaker/contracts";
import { describe, expect, it } from "vitest";
import { type AgentConfig, agentConfig } from "./config.ts";
import { loadScenarioPlan, parameterValues } from "./scenario-plan.ts";

const SCENARIOS = fileURLToPath(new URL("../../../scenarios", import.meta.url));

function config(overrides: Partial<AgentConfig>): AgentConfig {
  const base = agentConfig({
    HAYMAKER_RUN_ID: "run-20261124-0600-k3f9",
    HAYMAKER_AGENT_ID: "a01",
    HAYMAKER_SCENARIO_ID: "nsg-rule-tuning",
    HAYMAKER_SCENARIOS_DIR: SCENARIOS,
    HAYMAKER_SUBSCRIPTION_ID: "00000000-0000-0000-0000-000000000001",
    HAYMAKER_RESOURCE_GROUP: "rg-a01",
    HAYMAKER_DEADLINE: "2026-11-24T14:00:00Z",
    AZURE_TENANT_ID: "11111111-1111-1111-1111-111111111111",
    AZURE_CLIENT_ID: "22222222-2222-2222-2222-222222222222",
    AZURE_CLIENT_SECRET: "client-secret-value",
    HAYMAKER_SERVICEBUS_CONNECTION_STRING: "Endpoint=sb://localhost/;SharedAccessKeyName=a;SharedAccessKey=b",
  });
  return { ...base, ...overrides };
}

async function problemsOf(overrides: Partial<AgentConfig>): Promise<readonly string[]> {
  const error = await loadScenarioPlan(config(overrides)).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems;
}

describe("the scenario an agent performs", () => {
  it("renders with the agent's own names and the scenario's defaults", async () => {
    const plan = await loadScenarioPlan(config({ location: "northeurope" }));
    expect(plan.scenario.id).toBe("nsg-rule-tuning");
    expect(plan.context).toMatchObject({
      unique: uniqueSuffix("run-20261124-0600-k3f9", "a01"),
      location: "northeurope",
      resourceGroup: "rg-a01",
      params: { partnerRange: "198.51.100.0/24", partnerPort: "8443" },
    });
  });

  it("applies the run's parameter values", async () => {
    const plan = await loadScenarioPlan(config({ parameterOverrides: { partnerPort: "9443" } }));
    expect(plan.context.params.partnerPort).toBe("9443");
  });

  it("refuses unknown parameters, wrong types and values outside the allowed list, naming each", async () => {
    expect(
      await problemsOf({ parameterOverrides: { partnerPort: "22", partnerRange: 24, colour: "blue" } }),
    ).toEqual([
      'HAYMAKER_SCENARIO_PARAMETERS.partnerPort: expected one of "8443", "9443", got "22"',
      "HAYMAKER_SCENARIO_PARAMETERS.partnerRange: expected a string, got 24",
      "HAYMAKER_SCENARIO_PARAMETERS.colour: the scenario has no such parameter; it declares partnerRange, partnerPort",
    ]);
  });

  it("refuses a value that makes a request reach outside the resource group, before touching anything", async () => {
    const [problem] = await problemsOf({
      scenarioId: "eventgrid-domain-topics",
      parameterOverrides: {
        fieldOfficeRange: "/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/someone-else",
      },
    });
    expect(problem).toBe(
      'HAYMAKER_SCENARIO_PARAMETERS: with these values, steps.operate[2] ("Limit publishing to the field office") ' +
        "body.properties.inboundIpRules[0].ipMask: refers to something outside the agent's resource group: " +
        "ARM ids in a scenario must start with /subscriptions/{{subscription}}/resourceGroups/{{resourceGroup}}/",
    );
  });

  it("refuses a parameter of the wrong kind of number", async () => {
    const [problem] = await problemsOf({
      scenarioId: "storage-key-rotation-lifecycle",
      parameterOverrides: { deleteAfterDays: 1.5 },
    });
    expect(problem).toBe("HAYMAKER_SCENARIO_PARAMETERS.deleteAfterDays: expected an integer, got 1.5");
  });

  it("says when the scenario does not exist", async () => {
    const [problem] = await problemsOf({ scenarioId: "vm-ghost" });
    expect(problem).toMatch(/^HAYMAKER_SCENARIO_ID: no scenario "vm-ghost" in HAYMAKER_SCENARIOS_DIR/);
  });
});

describe("parameter values", () => {
  it("checks booleans and secrets too", () => {
    const declared = {
      enabled: { type: "boolean", default: true, description: "x" },
      label: { type: "string", default: "a", description: "x" },
    } as const;
    const { values, problems } = parameterValues(declared, {
      enabled: "yes",
      label: "AccountKey=abc123",
    });
    expect(values).toEqual({ enabled: true, label: "a" });
    expect(problems).toEqual([
      'HAYMAKER_SCENARIO_PARAMETERS.enabled: expected true or false, got "yes"',
      "HAYMAKER_SCENARIO_PARAMETERS.label: must not be a secret",
    ]);
  });
});
