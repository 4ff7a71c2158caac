import { ConfigError } from "@haymaker/config";
import { describe, expect, it } from "vitest";
import { agentConfig } from "./config.ts";

const SECRET = "Ab1Q~not-a-real-client-secret-value-1234567";
const valid = {
  HAYMAKER_RUN_ID: "run-20261124-0600-k3f9",
  HAYMAKER_AGENT_ID: "a01",
  HAYMAKER_SCENARIO_ID: "nsg-rule-tuning",
  HAYMAKER_SUBSCRIPTION_ID: "00000000-0000-0000-0000-000000000001",
  HAYMAKER_RESOURCE_GROUP: "haymaker-run-20261124-0600-k3f9-a01",
  HAYMAKER_DEADLINE: "2026-11-24T14:00:00Z",
  AZURE_TENANT_ID: "11111111-1111-1111-1111-111111111111",
  AZURE_CLIENT_ID: "22222222-2222-2222-2222-222222222222",
  AZURE_CLIENT_SECRET: SECRET,
  HAYMAKER_SERVICEBUS_CONNECTION_STRING: "Endpoint=sb://localhost/;SharedAccessKeyName=a;SharedAccessKey=b",
};

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    agentConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain(SECRET);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("the agent's settings", () => {
  it("fills in Azure's public cloud and the defaults", () => {
    const config = agentConfig(valid);
    expect(config).toMatchObject({
      scenariosDirectory: "scenarios",
      parameterOverrides: {},
      runTags: {},
      deadline: Date.parse("2026-11-24T14:00:00Z"),
      cleanupReserveMs: undefined,
      armEndpoint: "https://management.azure.com",
      authorityHost: "https://login.microsoftonline.com",
      sandbox: false,
      logLevel: "info",
      location: undefined,
    });
  });

  it("recognises the sandbox cloud on loopback http and takes its tokens from the same place", () => {
    const config = agentConfig({ ...valid, HAYMAKER_ARM_ENDPOINT: "http://127.0.0.1:4100/" });
    expect(config).toMatchObject({
      sandbox: true,
      armEndpoint: "http://127.0.0.1:4100",
      authorityHost: "http://127.0.0.1:4100",
    });
  });

  it("reads the optional JSON and duration settings", () => {
    const config = agentConfig({
      ...valid,
      HAYMAKER_SCENARIO_PARAMETERS: '{"partnerPort": "9443"}',
      HAYMAKER_TAGS: '{"team": "detection"}',
      HAYMAKER_CLEANUP_RESERVE: "PT5M",
      HAYMAKER_LOCATION: "northeurope",
    });
    expect(config).toMatchObject({
      parameterOverrides: { partnerPort: "9443" },
      runTags: { team: "detection" },
      cleanupReserveMs: 300_000,
      location: "northeurope",
    });
  });

  it("names every missing or bad variable at once, without echoing the secret", () => {
    const problems = problemsOf({
      ...valid,
      HAYMAKER_RUN_ID: undefined,
      HAYMAKER_SUBSCRIPTION_ID: "not-a-guid",
      HAYMAKER_DEADLINE: "tomorrow",
      HAYMAKER_CLEANUP_RESERVE: "5 minutes",
      HAYMAKER_SCENARIO_PARAMETERS: "{not json",
      HAYMAKER_TAGS: '{"haymaker-run": "forged"}',
      AZURE_CLIENT_SECRET: "",
      HAYMAKER_ARM_ENDPOINT: "http://management.example.com",
      HAYMAKER_SERVICEBUS_CONNECTION_STRING: undefined,
    });
    const variables = problems.map((problem) => problem.split(/[.:]/)[0]);
    expect(variables).toEqual([
      "HAYMAKER_RUN_ID",
      "HAYMAKER_SCENARIO_PARAMETERS",
      "HAYMAKER_SUBSCRIPTION_ID",
      "HAYMAKER_DEADLINE",
      "HAYMAKER_CLEANUP_RESERVE",
      "HAYMAKER_TAGS",
      "AZURE_CLIENT_SECRET",
      "HAYMAKER_ARM_ENDPOINT",
      "HAYMAKER_SERVICEBUS_CONNECTION_STRING or HAYMAKER_SERVICEBUS_NAMESPACE is required",
    ]);
    expect(problems[0]).toBe("HAYMAKER_RUN_ID: is required");
    expect(problems).toContain(
      "HAYMAKER_ARM_ENDPOINT: must use https (plain http only on a loopback address, for the sandbox cloud)",
    );
  });

  it("waits five minutes for a new identity to propagate unless told otherwise, within bounds", () => {
    expect(agentConfig(valid).propagationWindowMs).toBe(5 * 60_000);
    expect(agentConfig({ ...valid, HAYMAKER_PROPAGATION_WINDOW: "PT0S" }).propagationWindowMs).toBe(0);
    expect(agentConfig({ ...valid, HAYMAKER_PROPAGATION_WINDOW: "PT90S" }).propagationWindowMs).toBe(90_000);
    expect(problemsOf({ ...valid, HAYMAKER_PROPAGATION_WINDOW: "PT2H" })).toEqual([
      "HAYMAKER_PROPAGATION_WINDOW: expected a duration between PT0S and PT30M",
    ]);
    expect(problemsOf({ ...valid, HAYMAKER_PROPAGATION_WINDOW: "5m" })[0]).toMatch(
      /^HAYMAKER_PROPAGATION_WINDOW: expected an ISO-8601 duration/,
    );
  });
});
