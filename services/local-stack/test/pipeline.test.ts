// The whole pipeline through `make run`'s binary, in each profile (the embedded defaults, and the Azure
// adapters against stand-ins that behave like Azure): runs requested at the gateway go through every phase
// service, real agents work in the sandbox cloud under their own identities, and cleanup leaves nothing.
import { ServiceBusClient } from "@azure/service-bus";
import { EventPublisher } from "@haymaker/bus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ExecutionView,
  execute,
  PROFILES,
  runtimeLook,
  type Stack,
  sandboxLook,
  startStack,
  untilReported,
  validatedRun,
} from "./stack.ts";

describe.each(PROFILES)("the pipeline on make run's %s profile", (profile) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ HAYMAKER_PROFILE: profile });
  }, 120_000);
  afterAll(async () => {
    // A stack that did not start has already failed beforeAll, with its output.
    if (stack === undefined) return;
    expect(await stack.stop()).toBe(0);
    // Nothing a user sees may carry a stack trace.
    expect(stack.output()).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  });

  async function expectNothingLeft(runId: string, view: ExecutionView) {
    const look = sandboxLook(stack);
    expect(await look.tagged(runId)).toEqual([]);
    expect(await look.applications(runId)).toEqual([]);
    expect(await look.deletedApplications(runId)).toEqual([]);
    expect(await runtimeLook(stack).secrets(runId)).toEqual([]);
    expect(view.report?.summary.leftovers).toBe(0);
    for (const agent of view.report?.agents ?? []) {
      expect(agent.identity.deleted).toBe(true);
      expect(agent.secretDeleted).toBe(true);
      expect(agent.resources.left).toEqual([]);
    }
  }

  it("runs three scenarios to completion, each agent under its own identity, and leaves nothing behind", async () => {
    const scenarios = ["nsg-rule-tuning", "container-instance-restart", "public-ip-dns-label"];
    // In the Azure profile an agent first waits out the sandbox's replication delay and reads its secret from
    // Key Vault: on a loaded machine ten seconds can pass before it operates, and it would time out.
    const runId = await execute(stack, { scenarios, duration: profile === "azure" ? "PT30S" : "PT10S" });
    const view = await untilReported(stack, runId, 120_000);

    expect(view.execution.status).toBe("completed");
    expect(view.execution.summary).toMatchObject({ agents: 3, failed: 0, leftovers: 0 });
    expect(view.agents.map((a) => [a.scenarioId, a.stage, a.outcome]).sort()).toEqual(
      scenarios.map((id) => [id, "cleaned", "completed"]).sort(),
    );
    const report = view.report!;
    expect(report.agents).toHaveLength(3);
    // Each agent acted under its own identity: the Activity Log attributes its calls to its own app id.
    expect(new Set(report.agents.map((a) => a.identity.appId)).size).toBe(3);
    for (const agent of report.agents) {
      expect(agent.outcome).toBe("completed");
      expect(agent.activity.total).toBeGreaterThan(0);
      expect(agent.resources.created.length).toBeGreaterThan(0);
    }
    await expectNothingLeft(runId, view);
  }, 180_000);

  it("marks an agent killed mid-run as failed and force-deletes what it left", async () => {
    const runId = await execute(stack, { scenarios: ["nsg-rule-tuning"], duration: "PT2M" });
    // Wait until the agent is operating (it has created its resources), then kill it outright.
    let agentPid: number | undefined;
    for (let i = 0; i < 240 && agentPid === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const response = await stack.api(`/api/executions/${runId}`);
      if (!response.ok) continue;
      const view = (await response.json()) as ExecutionView;
      const progress = view.agents[0]?.progress as { stage?: string } | undefined;
      if (progress?.stage === "operate") {
        agentPid = runtimeLook(stack).agentPid(runId);
      }
    }
    expect(agentPid).toBeGreaterThan(0);
    expect(await sandboxLook(stack).tagged(runId)).not.toEqual([]);
    process.kill(agentPid!, "SIGKILL");

    const view = await untilReported(stack, runId, 120_000);
    expect(view.agents[0]).toMatchObject({ stage: "cleaned", outcome: "failed" });
    expect(view.report?.agents[0]?.resources.deleted.length).toBeGreaterThan(0);
    await expectNothingLeft(runId, view);
  }, 180_000);

  it("creates one identity, one resource group and one agent when every event arrives twice", async () => {
    const runId = `run-twice-${Date.now().toString(36)}`;
    const client = new ServiceBusClient(stack.local.broker.connectionString);
    const publisher = new EventPublisher(client);
    const validated = validatedRun(runId, ["public-ip-dns-label"], "PT5S");
    // The same event twice: select publishes the same agent twice, and so on down the pipeline.
    await publisher.publish(validated);
    await publisher.publish(validated);
    await publisher.close();
    await client.close();

    const view = await untilReported(stack, runId, 120_000);
    expect(view.execution.summary).toMatchObject({ agents: 1, leftovers: 0 });
    const audits = await sandboxLook(stack).directoryAudits(runId);
    expect(audits.filter((a) => a.activityDisplayName === "Add application")).toHaveLength(1);
    expect(audits.filter((a) => a.activityDisplayName === "Add service principal")).toHaveLength(1);
    expect(await runtimeLook(stack).agents(runId)).toEqual([`haymaker-${runId}-a01`]);
    await expectNothingLeft(runId, view);
  }, 180_000);
});
