// The local runtime against the AgentRuntime contract.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeAgentRuntimeContract, TEST_AGENT } from "../testing.ts";
import { ProcessRuntime } from "./process-runtime.ts";

describeAgentRuntimeContract("ProcessRuntime (local processes)", async () => {
  const directory = mkdtempSync(join(tmpdir(), "haymaker-runtime-contract-"));
  return {
    runtime: new ProcessRuntime({
      directory,
      command: process.execPath,
      args: ["-e", TEST_AGENT],
      graceMs: 2000,
    }),
    foreignRef:
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.App/jobs/agents/executions/agents-abc1234",
    close: async () => rmSync(directory, { recursive: true, force: true }),
  };
});
