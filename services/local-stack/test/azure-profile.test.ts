// HayMaker on its Azure adapters (HAYMAKER_PROFILE=azure make run): a run goes through every phase with its
// secrets in the sandbox cloud's Key Vault, its agents as Container Apps job executions, its report in
// Azurite and its state in the Cosmos DB stand-in, while the sandbox behaves like Azure where HayMaker's
// correctness depends on it (tags left out of filtered lists, replication delays, the recycle bin, Activity
// Log delay, throttling) — and it ends with nothing left.
import { cosmosConfigFromEnv, openProjectionStore } from "@haymaker/projections";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execute, type Stack, sandboxLook, startStack, untilReported } from "./stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ HAYMAKER_PROFILE: "azure" });
}, 120_000);
afterAll(async () => {
  // A stack that did not start has already failed beforeAll, with its output.
  if (stack === undefined) return;
  expect(await stack.stop()).toBe(0);
  expect(stack.output()).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
});

async function listed<T>(path: string): Promise<T[]> {
  const response = await stack.api(path);
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: T[] }).items;
}

describe("HayMaker on its Azure adapters, against stand-ins that behave like Azure", () => {
  it("runs scenarios to completion with Key Vault secrets, job executions, a blob report and nothing left", async () => {
    expect(stack.output()).toContain("HayMaker is running on its Azure adapters");
    const scenarios = ["nsg-rule-tuning", "public-ip-dns-label"];
    // Time for the replication delay and the Key Vault read before operating, even on a loaded machine.
    const runId = await execute(stack, { scenarios, duration: "PT30S" });
    const view = await untilReported(stack, runId, 150_000);

    expect(view.execution.status).toBe("completed");
    expect(view.execution.summary).toMatchObject({ agents: 2, failed: 0, leftovers: 0 });
    for (const agent of view.report?.agents ?? []) {
      expect(agent.outcome).toBe("completed");
      expect(agent.identity.deleted).toBe(true);
      expect(agent.secretDeleted).toBe(true);
      // The report waited for the (delayed) Activity Log: every agent's calls are counted.
      expect(agent.activity.total).toBeGreaterThan(0);
    }

    // The report is a blob in Azurite.
    const execution = (await (await stack.api(`/api/executions/${runId}`)).json()) as {
      execution: { report?: { json: string; markdown: string } };
    };
    expect(execution.execution.report?.json).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:\\d+/haymakerlocal/reports/.*${runId}`),
    );
    // Agents ran as executions of the agent job, under identities whose secrets were Key Vault secrets.
    const agents = await listed<{ runtimeRef: string }>(`/api/agents?executionId=${runId}`);
    expect(agents).toHaveLength(2);
    for (const agent of agents) {
      expect(agent.runtimeRef).toMatch(
        /\/providers\/Microsoft\.App\/jobs\/haymaker-agent\/executions\/[^/]+$/,
      );
    }
    // The gateway never shows where a secret is kept; the projections (in Cosmos DB) record it.
    const azure = stack.local.azure!;
    expect(azure.keyVault).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const projections = await openProjectionStore(
      cosmosConfigFromEnv({
        HAYMAKER_COSMOS_ENDPOINT: azure.state.endpoint,
        HAYMAKER_COSMOS_KEY: azure.state.key,
      }),
      stack.dataDirectory,
    );
    try {
      const identities = (await projections.listIdentities({ runId })).items;
      expect(identities).toHaveLength(2);
      for (const identity of identities) {
        expect(identity.secretRef?.startsWith(`${azure.keyVault}secrets/`)).toBe(true);
        expect(identity.secretDeleted).toBe(true);
      }
    } finally {
      await projections.close();
    }

    // Nothing left: no tagged resource, no application, and none waiting in the recycle bin either.
    const look = sandboxLook(stack);
    expect(await look.tagged(runId)).toEqual([]);
    expect(await look.applications(runId)).toEqual([]);
    expect(await look.deletedApplications(runId)).toEqual([]);
  }, 200_000);

  it("is running with the sandbox's realism on: deleted applications wait in the directory's recycle bin", async () => {
    const look = sandboxLook(stack);
    const app = await look.graph("POST", "/v1.0/applications", { displayName: "haymaker-realism-check" });
    await look.graph("DELETE", `/v1.0/applications/${app.id}`);
    // Without the realism a delete is final; with it the application waits until deleted for good.
    expect((await look.graph("GET", `/v1.0/directory/deletedItems/${app.id}`)).id).toBe(app.id);
    await look.graph("DELETE", `/v1.0/directory/deletedItems/${app.id}`);
  });

  it("is running with the sandbox's realism on: tag-filtered lists come without tags", async () => {
    const look = sandboxLook(stack);
    const group = await look.createTaggedGroup("realism-check", { "haymaker-run": "realism-check" });
    expect(group.tags).toEqual({ "haymaker-run": "realism-check" });
    const found = await look.listByTag("haymaker-run", "realism-check");
    expect(found.map((r) => r.id)).toEqual([group.id]);
    expect(found[0]?.tags).toBeUndefined();
  });
});
