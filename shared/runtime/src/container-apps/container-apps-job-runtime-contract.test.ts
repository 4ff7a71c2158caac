// ContainerAppsJobRuntime against the AgentRuntime contract, through @azure/arm-appcontainers on the sandbox
// cloud's Container Apps, whose executions run the test agent as their image's program.
import { createSandboxAgentJob, SandboxCredential, startSandboxCloud } from "@haymaker/sandbox-cloud";
import { describeAgentRuntimeContract, TEST_AGENT } from "../testing.ts";
import { ContainerAppsJobRuntime } from "./container-apps-job-runtime.ts";

describeAgentRuntimeContract(
  "ContainerAppsJobRuntime (Container Apps jobs on the sandbox cloud)",
  async () => {
    const image = "haymaker.test/agent";
    const sandbox = await startSandboxCloud({
      containerImages: { [image]: { command: process.execPath, args: ["-e", TEST_AGENT] } },
      executionGraceMs: 2000,
    });
    sandbox.registerPrincipal({
      clientId: "orchestrator",
      secret: "orchestrator-secret",
      subscriptionScopes: [`/subscriptions/${sandbox.subscriptionId}`],
    });
    const credential = new SandboxCredential({
      authorityHost: sandbox.url,
      tenantId: sandbox.tenantId,
      clientId: "orchestrator",
      clientSecret: "orchestrator-secret",
    });
    const job = await createSandboxAgentJob(sandbox, credential, {
      resourceGroup: "haymaker-agents",
      jobName: "agents",
      image,
      env: { FROM_JOB: "kept" },
    });
    return {
      runtime: new ContainerAppsJobRuntime({
        jobId: job.jobId,
        credential,
        armEndpoint: sandbox.url,
        pollIntervalMs: 0,
      }),
      foreignRef: "local:contract-agent",
      close: () => sandbox.close(),
    };
  },
);
