// Deleting a Container Apps job takes its execution history with it, as in Azure, even when an execution
// was still running: its process ends after the delete, and what it reports then must not bring the
// record back under a job made again with the same name.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { SandboxCloud } from "./index.ts";
import { armRequests } from "./test-support/arm-requests.ts";
import { startWithOrchestrator } from "./test-support/orchestrated-cloud.ts";

// Says it is ready, and on SIGTERM takes a moment before it exits: its end comes well after the delete.
const PROGRAM = `
process.on("SIGTERM", () => setTimeout(() => process.exit(0), 200));
console.log("ready");
setInterval(() => {}, 1000);
`;
const IMAGE = "test.local/lingering";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function open(
  dataDirectory: string,
): Promise<{ cloud: SandboxCloud; arm: ReturnType<typeof armRequests> }> {
  const { cloud, orchestrator } = await startWithOrchestrator({
    dataDirectory,
    containerImages: { [IMAGE]: { command: process.execPath, args: ["-e", PROGRAM] } },
    executionGraceMs: 5_000,
  });
  return { cloud, arm: armRequests(cloud, orchestrator) };
}

describe("deleting a job while an execution runs", () => {
  it("forgets the execution for good, even once its process has ended", async () => {
    const dataDirectory = mkdtempSync(join(tmpdir(), "sandbox-job-delete-"));
    cleanups.push(() => rmSync(dataDirectory, { recursive: true, force: true }));
    const first = await open(dataDirectory);
    let firstOpen = true;
    cleanups.push(() => (firstOpen ? first.cloud.close() : undefined));

    const group = `/subscriptions/${first.cloud.subscriptionId}/resourceGroups/rg-delete`;
    const environmentId = `${group}/providers/Microsoft.App/managedEnvironments/env`;
    const jobId = `${group}/providers/Microsoft.App/jobs/doomed`;
    const jobBody = {
      location: "westeurope",
      properties: {
        environmentId,
        configuration: {
          triggerType: "Manual",
          manualTriggerConfig: { parallelism: 1, replicaCompletionCount: 1 },
          replicaTimeout: 60,
          replicaRetryLimit: 0,
        },
        template: { containers: [{ name: "main", image: IMAGE }] },
      },
    };
    expect((await first.arm("PUT", group, { location: "westeurope" }, "2021-04-01")).status).toBe(201);
    expect((await first.arm("PUT", environmentId, { location: "westeurope", properties: {} })).status).toBe(
      201,
    );
    expect((await first.arm("PUT", jobId, jobBody)).status).toBe(201);
    const started = await first.arm("POST", `${jobId}/start`);
    expect(started.status).toBe(200);
    const log = first.cloud.executionLogFile(started.body.name as string, "main");
    for (let i = 0; i < 200; i++) {
      try {
        if (readFileSync(log, "utf8").includes("ready")) break;
      } catch {
        // Not written yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }

    expect((await first.arm("DELETE", jobId)).status).toBe(200);
    expect((await first.arm("GET", started.body.id as string)).status).toBe(404);
    // close() waits for the execution's process to end, and for what the sandbox records when it does.
    await first.cloud.close();
    firstOpen = false;

    const second = await open(dataDirectory);
    cleanups.push(() => second.cloud.close());
    expect((await second.arm("PUT", jobId, jobBody)).status).toBe(201);
    expect((await second.arm("GET", `${jobId}/executions`)).body).toEqual({ value: [] });
    expect((await second.arm("GET", started.body.id as string)).status).toBe(404);
  });
});
