// The agent as HayMaker runs it: its own process, its own identity scoped to one resource group in the
// sandbox cloud, its telemetry on the embedded broker.
import { spawnService } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AGENT_BIN,
  agentEnv,
  provisionAgent,
  resourcesIn,
  type SandboxWorld,
  startSandboxWorld,
} from "./testing/sandbox-world.ts";
import { TelemetryTap } from "./testing/telemetry-tap.ts";

let world: SandboxWorld;
let tap: TelemetryTap;

beforeAll(async () => {
  world = await startSandboxWorld();
  tap = new TelemetryTap(world.bus);
});

afterAll(async () => {
  await tap.close();
  await world.stop();
});

const seconds = (n: number) => new Date(Date.now() + n * 1000);

function messages(runId: string): string[] {
  return tap.typed(runId, "agent.log").map((event) => event.data.message);
}

function expectNoSecret(runId: string, output: string, secret: string): void {
  expect(output).not.toContain(secret);
  expect(tap.of(runId).length).toBeGreaterThan(0);
  for (const { raw } of tap.of(runId)) expect(raw).not.toContain(secret);
}

describe("the agent process", () => {
  it("deploys, operates and cleans up nsg-rule-tuning, tagging what it creates and reporting it all", async () => {
    const runId = "run-proc-nsg";
    const resourceGroup = "rg-run-proc-nsg-a01";
    const identity = await provisionAgent(world, resourceGroup);
    const agent = spawnService(AGENT_BIN, [], {
      ...agentEnv(world, {
        runId,
        agentId: "a01",
        scenarioId: "nsg-rule-tuning",
        resourceGroup,
        identity,
        deadline: seconds(15),
      }),
      HAYMAKER_CLEANUP_RESERVE: "PT4S",
      HAYMAKER_TAGS: JSON.stringify({ team: "detection-engineering" }),
    });

    // The review tags are patched in operate; then the agent pauses until its window closes.
    await tap.waitFor(runId, () =>
      messages(runId).some((m) => m.startsWith("operate 3/7: Record the review")),
    );
    const live = await resourcesIn(world, resourceGroup);
    const nsg = live.find((r) => r.type === "Microsoft.Network/networkSecurityGroups");
    expect(nsg?.tags).toEqual({
      environment: "production",
      owner: "web-platform",
      lastReview: "review-1",
      team: "detection-engineering",
      "haymaker-managed": "true",
      "haymaker-run": runId,
      "haymaker-agent": "a01",
      "haymaker-scenario": "nsg-rule-tuning",
    });
    const rule = live.find((r) => r.type === "Microsoft.Network/networkSecurityGroups/securityRules");
    expect(rule?.name).toBe("allow-payment-partner");
    expect(rule?.tags).toBeUndefined();

    expect(await agent.exited).toBe(0);
    expect(await resourcesIn(world, resourceGroup)).toEqual([]);

    await tap.waitFor(runId, () => messages(runId).some((m) => m.startsWith("agent finished")));
    const progress = tap.typed(runId, "agent.progress").map((e) => e.data);
    expect(progress.filter((p) => p.stage === "deploy")).toEqual([
      expect.objectContaining({
        step: 1,
        stepsTotal: 1,
        message: "Create the storefront network security group",
      }),
    ]);
    expect(progress.filter((p) => p.stage === "operate").slice(0, 4)).toEqual(
      [1, 2, 3, 4].map((step) => expect.objectContaining({ step, stepsTotal: 7, iteration: 1 })),
    );
    expect(progress.filter((p) => p.stage === "cleanup")).toHaveLength(1);

    const created = tap.typed(runId, "agent.resource.created").map((e) => e.data);
    const deleted = tap.typed(runId, "agent.resource.deleted").map((e) => e.data);
    expect(created.map((c) => c.resourceType)).toEqual([
      "Microsoft.Network/networkSecurityGroups",
      "Microsoft.Network/networkSecurityGroups/securityRules",
    ]);
    expect(deleted.map((d) => d.resourceId).sort()).toEqual(created.map((c) => c.resourceId).sort());
    expect(created[0]?.resourceId).toBe(nsg?.id);

    const logs = tap.typed(runId, "agent.log");
    expect(
      logs.every((l) => l.source === "/haymaker/agent" && l.subject === `runs/${runId}/agents/a01`),
    ).toBe(true);
    const finished = logs.at(-1)?.data;
    expect(finished).toMatchObject({
      level: "info",
      fields: {
        outcome: "completed",
        exitCode: 0,
        iterations: 1,
        resourcesCreated: 2,
        resourcesDeleted: 2,
        leftovers: 0,
      },
    });
    expectNoSecret(runId, agent.output(), identity.secret);
  });

  it("skips operate when the deadline is too near, and still deploys and cleans up", async () => {
    const runId = "run-proc-near";
    const resourceGroup = "rg-run-proc-near-a01";
    const identity = await provisionAgent(world, resourceGroup);
    const agent = spawnService(
      AGENT_BIN,
      [],
      agentEnv(world, {
        runId,
        agentId: "a01",
        scenarioId: "public-ip-dns-label",
        resourceGroup,
        identity,
        deadline: seconds(1),
      }),
    );
    expect(await agent.exited).toBe(0);
    await tap.waitFor(runId, () => messages(runId).some((m) => m.startsWith("agent finished")));
    const stages = new Set(tap.typed(runId, "agent.progress").map((e) => e.data.stage));
    expect([...stages]).toEqual(["deploy", "cleanup"]);
    expect(messages(runId)).toContain("operate skipped: the operate window had closed when deploy finished");
    expect(tap.typed(runId, "agent.log").at(-1)?.data.fields).toMatchObject({
      outcome: "completed",
      iterations: 0,
    });
    expect(tap.typed(runId, "agent.resource.created")).toHaveLength(1);
    expect(tap.typed(runId, "agent.resource.deleted")).toHaveLength(1);
    expect(await resourcesIn(world, resourceGroup)).toEqual([]);
  });

  it("stops operating on SIGTERM, cleans up and exits 143", async () => {
    const runId = "run-proc-sigterm";
    const resourceGroup = "rg-run-proc-sigterm-a01";
    const identity = await provisionAgent(world, resourceGroup);
    const agent = spawnService(
      AGENT_BIN,
      [],
      agentEnv(world, {
        runId,
        agentId: "a01",
        scenarioId: "container-instance-restart",
        resourceGroup,
        identity,
        deadline: seconds(600),
      }),
    );
    // Operate step 3 is a 15-minute pause.
    await tap.waitFor(runId, () =>
      tap.typed(runId, "agent.progress").some((e) => e.data.stage === "operate" && e.data.step === 3),
    );
    expect(await resourcesIn(world, resourceGroup)).toHaveLength(1);
    const stoppedAt = Date.now();
    agent.child.kill("SIGTERM");
    expect(await agent.exited).toBe(143);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(await resourcesIn(world, resourceGroup)).toEqual([]);

    await tap.waitFor(runId, () => messages(runId).some((m) => m.startsWith("agent finished")));
    expect(messages(runId)).toContain(
      "operate 3/8: Wait while the studio is on air (PT15M; cut short by a stop request)",
    );
    expect(tap.typed(runId, "agent.progress").filter((e) => e.data.stage === "cleanup")).toHaveLength(1);
    expect(tap.typed(runId, "agent.resource.deleted")).toHaveLength(1);
    expect(tap.typed(runId, "agent.log").at(-1)?.data).toMatchObject({
      level: "warn",
      fields: { outcome: "stopped", exitCode: 143, iterations: 1, leftovers: 0 },
    });
    expectNoSecret(runId, agent.output(), identity.secret);
  });

  it("exits 3 and creates nothing when pointed at a resource group outside its identity's scope", async () => {
    const runId = "run-proc-scope";
    const ownGroup = "rg-run-proc-scope-a01";
    const otherGroup = "rg-someone-else";
    const identity = await provisionAgent(world, ownGroup);
    await world.orchestrator.resourceGroups.createOrUpdate(otherGroup, { location: "westeurope" });
    const agent = spawnService(
      AGENT_BIN,
      [],
      agentEnv(world, {
        runId,
        agentId: "a01",
        scenarioId: "nsg-rule-tuning",
        resourceGroup: otherGroup,
        identity,
        deadline: seconds(60),
      }),
    );
    expect(await agent.exited).toBe(3);
    expect(await resourcesIn(world, otherGroup)).toEqual([]);

    await tap.waitFor(runId, () => messages(runId).some((m) => m.startsWith("agent finished")));
    const denied = tap.typed(runId, "agent.log").find((e) => e.data.level === "error");
    expect(denied?.data).toMatchObject({
      message: "deploy 1/1: Create the storefront network security group failed (403 AuthorizationFailed)",
      fields: { stage: "deploy", status: 403, code: "AuthorizationFailed" },
    });
    expect(tap.typed(runId, "agent.resource.created")).toEqual([]);
    expect(tap.typed(runId, "agent.progress").some((e) => e.data.stage === "operate")).toBe(false);
    expect(tap.typed(runId, "agent.log").at(-1)?.data.fields).toMatchObject({
      outcome: "accessDenied",
      exitCode: 3,
    });
    expectNoSecret(runId, agent.output(), identity.secret);
  });

  it("exits 2 naming every bad variable, touching nothing and never printing the secret", async () => {
    const runId = "run-proc-badenv";
    const resourceGroup = "rg-run-proc-badenv-a01";
    const identity = await provisionAgent(world, resourceGroup);
    const env = agentEnv(world, {
      runId,
      agentId: "a01",
      scenarioId: "nsg-rule-tuning",
      resourceGroup,
      identity,
      deadline: seconds(60),
    });
    const agent = spawnService(AGENT_BIN, [], {
      ...env,
      HAYMAKER_AGENT_ID: "A 01",
      HAYMAKER_DEADLINE: "in an hour",
      AZURE_TENANT_ID: "",
      HAYMAKER_SCENARIO_PARAMETERS: "[1]",
    });
    expect(await agent.exited).toBe(2);
    const output = agent.output();
    expect(output).toMatch(/^agent cannot start; fix these environment variables:/);
    for (const variable of [
      "HAYMAKER_AGENT_ID",
      "HAYMAKER_DEADLINE",
      "AZURE_TENANT_ID",
      "HAYMAKER_SCENARIO_PARAMETERS",
    ]) {
      expect(output).toContain(`\n  ${variable}: `);
    }
    expect(output).not.toContain(identity.secret);
    expect(output).not.toMatch(/\n\s+at /);

    const badParameter = spawnService(AGENT_BIN, [], {
      ...env,
      HAYMAKER_SCENARIO_PARAMETERS: JSON.stringify({ partnerPort: "22" }),
    });
    expect(await badParameter.exited).toBe(2);
    expect(badParameter.output()).toContain(
      'HAYMAKER_SCENARIO_PARAMETERS.partnerPort: expected one of "8443", "9443", got "22"',
    );
    expect(await resourcesIn(world, resourceGroup)).toEqual([]);
    expect(tap.of(runId)).toEqual([]);
  });
});
