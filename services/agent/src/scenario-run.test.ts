// How the agent reacts to failures, with two small drill scenarios written for the test (the catalogue's
// scenarios all succeed, as they should): run in-process against the sandbox cloud.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@haymaker/logging";
import type { FaultOptions } from "@haymaker/sandbox-cloud";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAgent } from "./agent.ts";
import { agentConfig } from "./config.ts";
import { loadScenarioPlan } from "./scenario-plan.ts";
import {
  agentEnv,
  provisionAgent,
  resourcesIn,
  type SandboxWorld,
  startSandboxWorld,
} from "./testing/sandbox-world.ts";
import { TelemetryTap } from "./testing/telemetry-tap.ts";

const header = (id: string) => `
id: ${id}
title: A drill for the agent's failure handling
description: Used by the agent's tests only.
technologyArea: networking
company:
  name: Drill Works
  industry: Testing
  story: Exercises what the agent does when a step fails.
roles: [Network Contributor]
`;

const nsg = `
      resource:
        type: Microsoft.Network/networkSecurityGroups
        name: "nsg-drill-{{unique}}"
        apiVersion: "2024-05-01"`;

const DEPLOY_FAILURE = `${header("deploy-failure-drill")}
steps:
  deploy:
    - name: Create the security group
      action: put${nsg}
      body:
        location: "{{location}}"
    - name: Add a subnet to a network that was never created
      action: put
      resource:
        type: Microsoft.Network/virtualNetworks/subnets
        name: "vnet-missing-{{unique}}/default"
        apiVersion: "2024-05-01"
      body:
        properties:
          addressPrefix: 10.0.0.0/24
  operate:
    - name: Review the security group
      action: get${nsg}
    - name: Wait
      action: pause
      duration: PT1M
  cleanup:
    - name: Delete the security group
      action: delete${nsg}
`;

const OPERATE_FAILURE = `${header("operate-failure-drill")}
steps:
  deploy:
    - name: Create the security group
      action: put${nsg}
      body:
        location: "{{location}}"
        tags:
          owner: drills
  operate:
    - name: Review a security group that does not exist
      action: get
      resource:
        type: Microsoft.Network/networkSecurityGroups
        name: "nsg-absent-{{unique}}"
        apiVersion: "2024-05-01"
    - name: Record the review
      action: patch${nsg}
      body:
        tags:
          lastReview: "review-{{iteration}}"
    - name: Wait
      action: pause
      duration: PT1M
  cleanup:
    - name: Delete the security group
      action: delete${nsg}
`;

let world: SandboxWorld;
let tap: TelemetryTap;
let scenariosDir: string;

beforeAll(async () => {
  world = await startSandboxWorld();
  tap = new TelemetryTap(world.bus);
  scenariosDir = await mkdtemp(join(tmpdir(), "haymaker-agent-drills-"));
  await writeFile(join(scenariosDir, "deploy-failure-drill.yaml"), DEPLOY_FAILURE);
  await writeFile(join(scenariosDir, "operate-failure-drill.yaml"), OPERATE_FAILURE);
});

afterAll(async () => {
  await tap.close();
  await world.stop();
  await rm(scenariosDir, { recursive: true, force: true });
});

interface DrillOptions {
  maxIterations: number;
  /** The catalogue's scenarios instead of the drills. */
  catalogue?: boolean;
  /** Fault injection for the agent's calls only (set after provisioning, cleared before checking). */
  faults?: FaultOptions;
  conflictRetryDelaysMs?: number[];
  /** Sign in with this secret instead of the identity's own. */
  secret?: string;
}

async function drill(runId: string, scenarioId: string, options: DrillOptions) {
  const resourceGroup = `rg-${runId}-a01`;
  const identity = await provisionAgent(world, resourceGroup);
  const config = agentConfig({
    ...agentEnv(world, {
      runId,
      agentId: "a01",
      scenarioId,
      resourceGroup,
      identity: { ...identity, secret: options.secret ?? identity.secret },
      deadline: new Date(Date.now() + 60_000),
    }),
    ...(options.catalogue ? {} : { HAYMAKER_SCENARIOS_DIR: scenariosDir }),
  });
  const plan = await loadScenarioPlan(config);
  world.cloud.setFaults(options.faults);
  const result = await runAgent(config, plan, {
    stop: new AbortController().signal,
    logger: silentLogger,
    maxIterations: options.maxIterations,
    pauseScale: 0,
    conflictRetryDelaysMs: options.conflictRetryDelaysMs ?? [10, 10, 10, 10],
  }).finally(() => world.cloud.setFaults(undefined));
  await tap.waitFor(runId, () =>
    tap.typed(runId, "agent.log").some((e) => e.data.message.startsWith("agent finished")),
  );
  return { result, resourceGroup, logs: tap.typed(runId, "agent.log").map((e) => e.data) };
}

describe("when a step fails", () => {
  it("skips the rest of deploy and operate, cleans up what deploy created, and exits 1", async () => {
    const { result, resourceGroup, logs } = await drill("run-drill-deploy", "deploy-failure-drill", {
      maxIterations: 3,
    });
    expect(result).toMatchObject({ exitCode: 1, outcome: "stepFailed", iterations: 0, resourcesCreated: 1 });
    expect(await resourcesIn(world, resourceGroup)).toEqual([]);
    expect(logs.filter((l) => l.level === "error")).toEqual([
      expect.objectContaining({
        message:
          "deploy 2/2: Add a subnet to a network that was never created failed (404 ParentResourceNotFound)",
        fields: expect.objectContaining({
          stage: "deploy",
          step: 2,
          status: 404,
          code: "ParentResourceNotFound",
        }),
      }),
      expect.objectContaining({ message: expect.stringMatching(/^agent finished: stepFailed \(exit 1\)/) }),
    ]);
    expect(logs.map((l) => l.fields?.stage)).not.toContain("operate");
    expect(tap.typed("run-drill-deploy", "agent.resource.deleted").map((e) => e.data.resourceType)).toEqual([
      "Microsoft.Network/networkSecurityGroups",
    ]);
  });

  it("logs a failing operate step as a warning and carries on with the next, pass after pass", async () => {
    const { result, resourceGroup, logs } = await drill("run-drill-operate", "operate-failure-drill", {
      maxIterations: 2,
    });
    expect(result).toMatchObject({ exitCode: 0, outcome: "completed", iterations: 2, operateFailures: 2 });
    const warnings = logs.filter((l) => l.level === "warn");
    expect(warnings.map((w) => [w.message, w.fields?.iteration])).toEqual([
      ["operate 1/3: Review a security group that does not exist failed (404 ResourceNotFound)", 1],
      ["operate 1/3: Review a security group that does not exist failed (404 ResourceNotFound)", 2],
    ]);
    const reviews = logs.filter((l) => l.message === "operate 2/3: Record the review");
    expect(reviews.map((r) => r.fields?.iteration)).toEqual([1, 2]);
    expect(await resourcesIn(world, resourceGroup)).toEqual([]);
  });

  it("retries a 409 (another operation in progress) until it clears", async () => {
    const faults: FaultOptions = { rates: { write: 0.5, delete: 0.5 }, statuses: [409], seed: 20261124 };
    const { result, resourceGroup, logs } = await drill("run-drill-conflicts", "nsg-rule-tuning", {
      catalogue: true,
      maxIterations: 2,
      faults,
      conflictRetryDelaysMs: [10, 10, 10, 10, 10, 10, 10, 10],
    });
    expect(logs.filter((l) => l.fields?.code === "Conflict")).toEqual([]);
    expect(logs.filter((l) => Number(l.fields?.attempts) > 1).length).toBeGreaterThan(0);
    expect(result).toMatchObject({ exitCode: 0, iterations: 2, resourcesCreated: 3 });
    expect(await resourcesIn(world, resourceGroup)).toEqual([]);
  });

  it("gives up on a 409 that does not clear, and reports it", async () => {
    const { result, resourceGroup, logs } = await drill("run-drill-stuck", "nsg-rule-tuning", {
      catalogue: true,
      maxIterations: 1,
      faults: { rates: { write: 1 }, statuses: [409], seed: 1 },
      conflictRetryDelaysMs: [10, 10],
    });
    expect(result).toMatchObject({ exitCode: 1, outcome: "stepFailed", resourcesCreated: 0 });
    expect(logs.find((l) => l.level === "error")).toMatchObject({
      message: "deploy 1/1: Create the storefront network security group failed (409 Conflict)",
      fields: { status: 409, code: "Conflict", attempts: 3 },
    });
    expect(await resourcesIn(world, resourceGroup)).toEqual([]);
  });

  it("rides out throttling and server errors through the SDK's own retry policies", {
    timeout: 60_000,
  }, async () => {
    const { result, resourceGroup } = await drill("run-drill-transient", "storage-file-share-quota", {
      catalogue: true,
      maxIterations: 1,
      faults: {
        rates: { write: 0.3, read: 0.3, delete: 0.3, action: 0.3 },
        statuses: [429, 500, 503],
        seed: 42,
      },
    });
    expect(result).toMatchObject({ exitCode: 0, operateFailures: expect.any(Number) });
    expect(await resourcesIn(world, resourceGroup)).toEqual([]);
  });

  it("exits 3 when its identity cannot sign in, without repeating the secret", async () => {
    const wrong = "wrong-secret-0123456789abcdef";
    const { result, logs } = await drill("run-drill-signin", "nsg-rule-tuning", {
      catalogue: true,
      maxIterations: 1,
      secret: wrong,
    });
    expect(result).toMatchObject({ exitCode: 3, outcome: "accessDenied", resourcesCreated: 0 });
    expect(logs.find((l) => l.level === "error")).toMatchObject({
      message: "deploy 1/1: Create the storefront network security group failed (401 SignInRefused)",
    });
    for (const { raw } of tap.of("run-drill-signin")) expect(raw).not.toContain(wrong);
  });
});
