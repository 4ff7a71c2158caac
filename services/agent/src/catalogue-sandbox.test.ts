// Every scenario in the catalogue, performed by the agent (in-process) against the sandbox cloud: deploy, one
// pass through operate with pauses shrunk to nothing, cleanup. Prints what each came to.

import { loadScenarioCatalogue } from "@haymaker/contracts";
import { silentLogger } from "@haymaker/logging";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAgent } from "./agent.ts";
import { agentConfig } from "./config.ts";
import { loadScenarioPlan } from "./scenario-plan.ts";
import {
  agentEnv,
  provisionAgent,
  resourcesIn,
  type SandboxWorld,
  SCENARIOS_DIR,
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

interface ScenarioResult {
  scenario: string;
  exitCode: number;
  outcome: string;
  iterations: number;
  created: number;
  deleted: number;
  problems: string[];
}

describe("the whole catalogue against the sandbox cloud", () => {
  it("deploys, operates once and cleans up every scenario, leaving nothing behind", {
    timeout: 180_000,
  }, async () => {
    const { scenarios, errors } = await loadScenarioCatalogue(SCENARIOS_DIR);
    expect(errors).toEqual([]);
    const results: ScenarioResult[] = [];
    for (const [index, scenarioId] of [...scenarios.keys()].entries()) {
      const runId = `run-sweep-${index + 1}`;
      const resourceGroup = `rg-${runId}-a01`;
      const identity = await provisionAgent(world, resourceGroup);
      const config = agentConfig(
        agentEnv(world, {
          runId,
          agentId: "a01",
          scenarioId,
          resourceGroup,
          identity,
          deadline: new Date(Date.now() + 60_000),
        }),
      );
      const plan = await loadScenarioPlan(config);
      const result = await runAgent(config, plan, {
        stop: new AbortController().signal,
        logger: silentLogger,
        maxIterations: 1,
        pauseScale: 0,
        conflictRetryDelaysMs: [10],
      });
      await tap.waitFor(runId, (events) =>
        events.some(
          ({ event }) =>
            event.type === "com.haymaker.agent.log.v1" && /agent finished/.test(String(event.data.message)),
        ),
      );
      const problems = tap
        .typed(runId, "agent.log")
        .filter((event) => event.data.level === "warn" || event.data.level === "error")
        .filter((event) => !/agent finished/.test(event.data.message))
        .map((event) => event.data.message);
      results.push({
        scenario: scenarioId,
        exitCode: result.exitCode,
        outcome: result.outcome,
        iterations: result.iterations,
        created: result.resourcesCreated,
        deleted: result.resourcesDeleted,
        problems,
      });
      expect(await resourcesIn(world, resourceGroup), `${scenarioId} left resources behind`).toEqual([]);
      for (const { raw } of tap.of(runId)) expect(raw).not.toContain(identity.secret);
    }
    console.log(
      results
        .map(
          (r) =>
            `${r.scenario}: exit ${r.exitCode} (${r.outcome}), ${r.iterations} iteration(s), ${r.created} created, ${r.deleted} deleted${r.problems.map((p) => `\n    ${p}`).join("")}`,
        )
        .join("\n"),
    );
    expect(results.filter((r) => r.exitCode === 3 || r.exitCode === 4)).toEqual([]);
  });
});
