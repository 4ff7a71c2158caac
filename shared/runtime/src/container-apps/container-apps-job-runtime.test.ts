// What ContainerAppsJobRuntime adds to the contract, on the sandbox cloud: the job's container copied whole
// into every start (secretRefs included) with the agent's environment on top, secrets refused, the job's
// managed identity usable from the agent through @azure/identity's ManagedIdentityCredential, a failed
// start read as failed with its reason, and the choice of runtime from the environment.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@haymaker/config";
import {
  armScope,
  createSandboxAgentJob,
  type SandboxCloud,
  SandboxCredential,
  startSandboxCloud,
} from "@haymaker/sandbox-cloud";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentStatus } from "../agent-runtime.ts";
import { agentRuntimeFromEnv } from "../agent-runtime-from-env.ts";
import { ProcessRuntime } from "../process/process-runtime.ts";
import { AGENT_NAME_VARIABLE, ContainerAppsJobRuntime } from "./container-apps-job-runtime.ts";

// Prints the variables the tests look at; in "identity" mode signs in as the job's managed identity with
// the Azure SDK's own credential and reads a resource group with the token.
const AGENT = `
const shown = ["FROM_JOB", "SHARED", "AGENT_VAR", "BUS", "${AGENT_NAME_VARIABLE}"];
console.log("env " + JSON.stringify(Object.fromEntries(shown.map((k) => [k, process.env[k]]))));
if (process.env.AGENT_MODE === "identity") {
  const { ManagedIdentityCredential } = require("@azure/identity");
  new ManagedIdentityCredential({ clientId: process.env.IDENTITY_CLIENT_ID })
    .getToken("https://management.azure.com/.default")
    .then((t) => fetch(process.env.GROUP_URL, { headers: { authorization: "Bearer " + t.token } }))
    .then((r) => console.log("group read " + r.status))
    .catch((e) => { console.log("token failed " + e.message); process.exit(1); });
}
`;
const IMAGE = "haymaker.test/agent";
const READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";

let sandbox: SandboxCloud;
let credential: SandboxCredential;

beforeAll(async () => {
  sandbox = await startSandboxCloud({
    containerImages: { [IMAGE]: { command: process.execPath, args: ["-e", AGENT] } },
    executionGraceMs: 1000,
  });
  sandbox.registerPrincipal({
    clientId: "orchestrator",
    secret: "orchestrator-secret",
    subscriptionScopes: [`/subscriptions/${sandbox.subscriptionId}`],
  });
  credential = new SandboxCredential({
    authorityHost: sandbox.url,
    tenantId: sandbox.tenantId,
    clientId: "orchestrator",
    clientSecret: "orchestrator-secret",
  });
});
afterAll(() => sandbox.close());

async function until(runtime: ContainerAppsJobRuntime, ref: string, done: (s: AgentStatus) => boolean) {
  for (let i = 0; i < 200; i++) {
    const status = await runtime.status(ref);
    if (done(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${ref} never reached the awaited state`);
}

describe("ContainerAppsJobRuntime", () => {
  it("starts the job's whole container with the agent's environment on top, as the job's identity", async () => {
    const job = await createSandboxAgentJob(sandbox, credential, {
      resourceGroup: "agents-rg",
      jobName: "agents",
      image: IMAGE,
      env: { FROM_JOB: "kept", SHARED: "job" },
      secretEnv: { BUS: "bus-secret-value" },
    });
    const group = `/subscriptions/${sandbox.subscriptionId}/resourceGroups/agents-rg`;
    const token = await credential.getToken(armScope);
    const grant = await fetch(
      `${sandbox.url}${group}/providers/Microsoft.Authorization/roleAssignments/5d6a2f8e-1c3b-4e7a-9f0d-2b4c6e8a0f13?api-version=2022-04-01`,
      {
        method: "PUT",
        headers: { authorization: `Bearer ${token?.token}`, "content-type": "application/json" },
        body: JSON.stringify({
          properties: {
            roleDefinitionId: `/subscriptions/${sandbox.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
            principalId: job.identityPrincipalId,
          },
        }),
      },
    );
    expect(grant.status).toBe(201);

    const runtime = new ContainerAppsJobRuntime({
      jobId: job.jobId,
      credential,
      armEndpoint: sandbox.url,
      pollIntervalMs: 0,
    });
    await runtime.check();
    const ref = await runtime.start({
      name: "haymaker-run1-a01",
      env: {
        AGENT_VAR: "agent",
        SHARED: "agent",
        AGENT_MODE: "identity",
        IDENTITY_CLIENT_ID: job.identityClientId,
        GROUP_URL: `${sandbox.url}${group}?api-version=2021-04-01`,
      },
    });
    expect(ref.startsWith(`${job.jobId}/executions/agents-`)).toBe(true);
    const status = await until(runtime, ref, (s) => s.state !== "running");
    const log = readFileSync(sandbox.executionLogFile(ref.split("/").pop() as string, "agent"), "utf8");
    expect(status).toMatchObject({ state: "succeeded", exitCode: 0 });
    expect(log).toContain(
      `env {"FROM_JOB":"kept","SHARED":"agent","AGENT_VAR":"agent","BUS":"bus-secret-value","${AGENT_NAME_VARIABLE}":"haymaker-run1-a01"}`,
    );
    expect(log).toContain("group read 200");
  });

  it("refuses an environment holding a secret before starting anything", async () => {
    const job = await createSandboxAgentJob(sandbox, credential, {
      resourceGroup: "agents-rg",
      jobName: "guarded",
      image: IMAGE,
    });
    const runtime = new ContainerAppsJobRuntime({
      jobId: job.jobId,
      credential,
      armEndpoint: sandbox.url,
      pollIntervalMs: 0,
    });
    await expect(
      runtime.start({
        name: "haymaker-run1-a02",
        env: { AZURE_CLIENT_SECRET: "abc", HAYMAKER_SCENARIO_ID: "x" },
      }),
    ).rejects.toThrow(/AZURE_CLIENT_SECRET to anyone who may read job guarded/);
    await expect(
      runtime.start({
        name: "haymaker-run1-a02",
        env: { BUS: "Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=b" },
      }),
    ).rejects.toThrow(/BUS/);
    expect(await runtime.find("haymaker-run1-a02")).toBeUndefined();
    // A pointer to a secret is not one: the agent reads it with the job's managed identity.
    const pointer = "https://hm-kv.vault.azure.net/secrets/haymaker-run1-a02";
    const ref = await runtime.start({
      name: "haymaker-run1-a02",
      env: { HAYMAKER_AGENT_SECRET_ID: pointer },
    });
    expect(await runtime.find("haymaker-run1-a02")).toBe(ref);
  });

  it("reads an execution whose image cannot be pulled as running, then failed, with the reason", async () => {
    const job = await createSandboxAgentJob(sandbox, credential, {
      resourceGroup: "agents-rg",
      jobName: "nopull",
      image: "registry.example/missing:1",
      replicaTimeoutSeconds: 1,
    });
    const runtime = new ContainerAppsJobRuntime({
      jobId: job.jobId,
      credential,
      armEndpoint: sandbox.url,
      pollIntervalMs: 0,
    });
    const ref = await runtime.start({ name: "haymaker-run1-a03", env: {} });
    const waiting = await runtime.status(ref);
    expect(waiting.state).toBe("running");
    expect(waiting.detail).toMatch(/ImagePullBackOff/);
    const failed = await until(runtime, ref, (s) => s.state !== "running");
    expect(failed.state).toBe("failed");
    expect(failed.detail).toMatch(/DeadlineExceeded/);
  });

  it("says what is wrong when the job is missing", async () => {
    const runtime = new ContainerAppsJobRuntime({
      jobId: `/subscriptions/${sandbox.subscriptionId}/resourceGroups/agents-rg/providers/Microsoft.App/jobs/absent`,
      credential,
      armEndpoint: sandbox.url,
    });
    await expect(runtime.check()).rejects.toThrow(/Reading job .*absent failed: 404 ResourceNotFound/);
  });
});

describe("agentRuntimeFromEnv", () => {
  it("runs agents as local processes unless HAYMAKER_AGENT_JOB_ID names a job", () => {
    const directory = mkdtempSync(join(tmpdir(), "haymaker-runtime-env-"));
    try {
      expect(agentRuntimeFromEnv({ HAYMAKER_DATA_DIR: directory }, "test")).toBeInstanceOf(ProcessRuntime);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
    const jobId = `/subscriptions/${sandbox.subscriptionId}/resourceGroups/agents-rg/providers/Microsoft.App/jobs/agents`;
    const azure = agentRuntimeFromEnv(
      {
        HAYMAKER_AGENT_JOB_ID: jobId,
        HAYMAKER_TENANT_ID: sandbox.tenantId,
        HAYMAKER_ARM_ENDPOINT: sandbox.url,
        HAYMAKER_CLIENT_ID: "orchestrator",
        HAYMAKER_CLIENT_SECRET: "orchestrator-secret",
      },
      "test",
    );
    expect(azure).toBeInstanceOf(ContainerAppsJobRuntime);
  });

  it("names every bad variable at once, never echoing a value", () => {
    let error: unknown;
    try {
      agentRuntimeFromEnv(
        {
          HAYMAKER_AGENT_JOB_ID: "/subscriptions/nope",
          HAYMAKER_TENANT_ID: sandbox.tenantId,
          HAYMAKER_CLIENT_SECRET: "hunter2",
        },
        "deploy",
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ["HAYMAKER_AGENT_JOB_ID", "HAYMAKER_CLIENT_SECRET"]) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain("hunter2");
    expect(message).not.toContain("/subscriptions/nope");
  });
});
