// The safety nets under pressure, each on a stack of its own: a sandbox that fails 30% of deletes, and an
// agent that reaches outside its resource group.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { execute, sandboxLook, startStack, untilReported } from "./stack.ts";

const ROGUE_AGENT = fileURLToPath(new URL("./fixtures/rogue-agent.mjs", import.meta.url));

describe("cleanup and scope under pressure", () => {
  it("ends with nothing left when 30% of deletes fail with 409, 429 or 500", async () => {
    const stack = await startStack({ HAYMAKER_SANDBOX_FAULTS: "delete=0.3,seed=4" });
    try {
      const scenarios = ["nsg-rule-tuning", "public-ip-dns-label", "container-instance-restart"];
      const runId = await execute(stack, { scenarios, duration: "PT5S" });
      const view = await untilReported(stack, runId, 150_000);
      expect(view.execution.summary).toMatchObject({ agents: 3, leftovers: 0 });
      const look = sandboxLook(stack);
      expect(await look.tagged(runId)).toEqual([]);
      expect(await look.applications(runId)).toEqual([]);
      // Seed 4 fails the third, fourth and fifth deletes with 409, 429 and 500: the faults did happen.
      const refused = await look.failedDeletes();
      expect(refused.sort()).toEqual(["Conflict", "InternalServerError", "TooManyRequests"]);
      for (const agent of view.report?.agents ?? []) {
        expect(agent.identity.deleted).toBe(true);
        expect(agent.resources.left).toEqual([]);
      }
    } finally {
      expect(await stack.stop()).toBe(0);
    }
  }, 240_000);

  it("refuses an agent that touches a resource group outside its scope, reports it, and cleans up after it", async () => {
    const stack = await startStack({
      HAYMAKER_AGENT_COMMAND: process.execPath,
      HAYMAKER_AGENT_ARGS: JSON.stringify([ROGUE_AGENT]),
    });
    try {
      const runId = await execute(stack, { scenarios: ["nsg-rule-tuning"], duration: "PT30S" });
      const view = await untilReported(stack, runId, 150_000);
      expect(view.agents[0]).toMatchObject({
        outcome: "failed",
        reason: expect.stringMatching(/access denied/i),
      });
      const agent = view.report!.agents[0]!;
      // The Activity Log shows the refused call under the agent's own identity.
      expect(agent.activity.failed).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            statusCode: "Forbidden",
            resourceId: expect.stringMatching(/resourceGroups\/haymaker-someone-else\//i),
          }),
        ]),
      );
      expect(agent.errors.join(" ")).toMatch(/access denied/i);
      // What it made in its own group, and left behind, is gone.
      expect(agent.resources.created).toEqual([expect.stringMatching(/networkSecurityGroups\/rogue-own$/)]);
      expect(await sandboxLook(stack).tagged(runId)).toEqual([]);
      expect(await sandboxLook(stack).applications(runId)).toEqual([]);
    } finally {
      expect(await stack.stop()).toBe(0);
    }
  }, 240_000);
});
