// Container Apps jobs and user-assigned identities on the sandbox, at the wire: what a job PUT must hold,
// how a start replaces the template, how executions run, fail, time out and stop, the managed identity
// endpoint, RBAC on the execution calls, and records that outlive their processes.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxCloud, SandboxCredential } from "./index.ts";
import { armRequests, IDENTITY_API_VERSION } from "./test-support/arm-requests.ts";
import { credential, graphClient } from "./test-support/clients.ts";
import { provisionIdentity } from "./test-support/identities.ts";
import { startWithOrchestrator } from "./test-support/orchestrated-cloud.ts";

// The image's program: behaves as MODE says, printing what the tests look for.
const PROGRAM = `
const mode = process.env.MODE;
console.log("job " + process.env.CONTAINER_APP_JOB_NAME + " execution " + process.env.CONTAINER_APP_JOB_EXECUTION_NAME);
console.log("secret " + process.env.FROM_SECRET + " plain " + process.env.PLAIN);
if (mode === "fail") process.exit(3);
if (mode === "linger" || mode === "stubborn") {
  process.on("SIGTERM", () => { console.log("got SIGTERM"); if (mode === "linger") process.exit(0); });
  console.log("ready");
  setInterval(() => {}, 1000);
}
if (mode === "token") {
  const url = process.env.IDENTITY_ENDPOINT + "?api-version=2019-08-01&resource=https://management.azure.com/&client_id=" + process.env.CLIENT_ID;
  fetch(url, { headers: { "X-IDENTITY-HEADER": process.env.IDENTITY_HEADER } })
    .then((r) => r.json())
    .then((t) => fetch(process.env.GROUP_URL, { headers: { authorization: "Bearer " + t.access_token } }))
    .then((r) => console.log("group read " + r.status));
}
`;
const IMAGE = "test.local/program";

let cloud: SandboxCloud;
let orchestrator: SandboxCredential;
let arm: ReturnType<typeof armRequests>;
let group: string;
let environmentId: string;

beforeAll(async () => {
  ({ cloud, orchestrator } = await startWithOrchestrator({
    containerImages: { [IMAGE]: { command: process.execPath, args: ["-e", PROGRAM] } },
    executionGraceMs: 500,
  }));
  arm = armRequests(cloud, orchestrator);
  group = `/subscriptions/${cloud.subscriptionId}/resourceGroups/rg-jobs`;
  await arm("PUT", group, { location: "westeurope" }, "2021-04-01");
  environmentId = `${group}/providers/Microsoft.App/managedEnvironments/env`;
  await arm("PUT", environmentId, { location: "westeurope", properties: {} });
});
afterAll(() => cloud.close());

function job(
  overrides: { env?: unknown[]; image?: string; timeout?: number; retries?: number; identity?: string } = {},
) {
  return {
    location: "westeurope",
    ...(overrides.identity === undefined
      ? {}
      : { identity: { type: "UserAssigned", userAssignedIdentities: { [overrides.identity]: {} } } }),
    properties: {
      environmentId,
      configuration: {
        triggerType: "Manual",
        manualTriggerConfig: { parallelism: 1, replicaCompletionCount: 1 },
        replicaTimeout: overrides.timeout ?? 30,
        replicaRetryLimit: overrides.retries ?? 0,
        secrets: [{ name: "the-secret", value: "s3cret-value" }],
      },
      template: {
        containers: [
          {
            name: "main",
            image: overrides.image ?? IMAGE,
            env: overrides.env ?? [
              { name: "FROM_SECRET", secretRef: "the-secret" },
              { name: "PLAIN", value: "plain-value" },
            ],
          },
        ],
      },
    },
  };
}

const jobId = (name: string) => `${group}/providers/Microsoft.App/jobs/${name}`;

async function execution(id: string, until: (status: string) => boolean) {
  for (let i = 0; i < 200; i++) {
    const { body } = await arm("GET", id);
    const properties = body.properties as { status: string };
    if (until(properties.status)) return body as { name: string; properties: Record<string, unknown> };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`execution ${id} never reached the awaited state`);
}

async function started(name: string, template?: unknown): Promise<string> {
  const response = await arm("POST", `${jobId(name)}/start`, template);
  expect(response.status).toBe(200);
  return response.body.id as string;
}

describe("Container Apps jobs on the sandbox", () => {
  it("refuses a job without what an execution needs, with Container Apps' errors", async () => {
    const noImage = job({ image: "" });
    expect((await arm("PUT", jobId("bad"), noImage)).body.error).toMatchObject({
      code: "ContainerAppImageRequired",
      message: "Container with name 'main' must have an 'Image' property specified.",
    });
    const badRef = job({ env: [{ name: "X", secretRef: "missing" }] });
    expect((await arm("PUT", jobId("bad"), badRef)).body.error).toMatchObject({
      code: "ContainerAppSecretRefNotFound",
    });
    const vaultRef = job();
    vaultRef.properties.configuration.secrets = [
      { name: "the-secret", keyVaultUrl: "https://v.vault.azure.net/secrets/x" } as never,
    ];
    const refused = await arm("PUT", jobId("bad"), vaultRef);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/does not resolve those/);
    const noTimeout = job() as { properties: { configuration: Record<string, unknown> } };
    delete noTimeout.properties.configuration.replicaTimeout;
    expect((await arm("PUT", jobId("bad"), noTimeout)).status).toBe(400);
    const noEnvironment = job();
    noEnvironment.properties.environmentId = `${group}/providers/Microsoft.App/managedEnvironments/none`;
    expect((await arm("PUT", jobId("bad"), noEnvironment)).body.error).toMatchObject({
      code: "ManagedEnvironmentNotFound",
    });
    expect((await arm("GET", jobId("bad"))).status).toBe(404);
  });

  it("keeps secret values out of the job and gives them to the execution's environment", async () => {
    expect((await arm("PUT", jobId("ok"), job())).status).toBe(201);
    const read = await arm("GET", jobId("ok"));
    expect(JSON.stringify(read.body)).not.toContain("s3cret-value");
    expect((await arm("POST", `${jobId("ok")}/listSecrets`)).body).toEqual({
      value: [{ name: "the-secret", value: "s3cret-value" }],
    });

    const id = await started("ok");
    const done = await execution(id, (s) => s !== "Running");
    expect(done.properties).toMatchObject({ status: "Succeeded" });
    expect(done.properties.detailedStatus).toMatchObject({
      replicas: [{ containers: [{ name: "main", code: 0, status: "Succeeded" }] }],
    });
    const log = readFileSync(cloud.executionLogFile(done.name, "main"), "utf8");
    expect(log).toContain(`job ok execution ${done.name}`);
    expect(log).toContain("secret s3cret-value plain plain-value");
    // The execution echoes its template: a secretRef by name, never the value.
    expect(JSON.stringify(done)).not.toContain("s3cret-value");
  });

  it("replaces the job's template with a start's: what the start leaves out is gone", async () => {
    await arm("PUT", jobId("override"), job());
    const withoutImage = { containers: [{ name: "main", env: [{ name: "PLAIN", value: "x" }] }] };
    expect((await arm("POST", `${jobId("override")}/start`, withoutImage)).body.error).toMatchObject({
      code: "ContainerAppImageRequired",
    });
    const id = await started("override", {
      containers: [{ name: "main", image: IMAGE, env: [{ name: "PLAIN", value: "overridden" }] }],
    });
    const done = await execution(id, (s) => s !== "Running");
    const log = readFileSync(cloud.executionLogFile(done.name, "main"), "utf8");
    expect(log).toContain("secret undefined plain overridden");
  });

  it("retries a failing replica up to the limit, then fails with its exit code", async () => {
    await arm("PUT", jobId("fails"), job({ env: [{ name: "MODE", value: "fail" }], retries: 1 }));
    const done = await execution(await started("fails"), (s) => s !== "Running");
    expect(done.properties).toMatchObject({ status: "Failed", reason: "BackoffLimitExceeded" });
    const replicas = (done.properties.detailedStatus as { replicas: { containers: { code: number }[] }[] })
      .replicas;
    expect(replicas.map((r) => r.containers[0]?.code)).toEqual([3, 3]);
  });

  it("fails an execution that outruns replicaTimeout, and one whose image cannot be pulled", async () => {
    await arm("PUT", jobId("slow"), job({ env: [{ name: "MODE", value: "stubborn" }], timeout: 1 }));
    const slow = await execution(await started("slow"), (s) => s !== "Running");
    expect(slow.properties).toMatchObject({ status: "Failed", reason: "DeadlineExceeded" });

    await arm("PUT", jobId("nopull"), job({ image: "registry.example/unknown:1", timeout: 1 }));
    const id = await started("nopull");
    const waiting = await execution(id, () => true);
    expect(JSON.stringify(waiting.properties.detailedStatus)).toContain("ImagePullBackOff");
    expect(waiting.properties.status).toBe("Running");
    expect((await execution(id, (s) => s !== "Running")).properties).toMatchObject({
      status: "Failed",
      reason: "DeadlineExceeded",
    });
  });

  it("stops an execution with SIGTERM, and kills one that ignores it after the grace period", async () => {
    await arm("PUT", jobId("linger"), job({ env: [{ name: "MODE", value: "linger" }] }));
    await arm("PUT", jobId("stubborn"), job({ env: [{ name: "MODE", value: "stubborn" }] }));
    for (const [name, code] of [
      ["linger", 0],
      ["stubborn", 137],
    ] as const) {
      const id = await started(name);
      const running = await execution(id, () => true);
      const log = () => readFileSync(cloud.executionLogFile(running.name, "main"), "utf8");
      for (let i = 0; i < 100 && !safe(log).includes("ready"); i++)
        await new Promise((r) => setTimeout(r, 50));
      expect((await arm("POST", `${id}/stop`)).status).toBe(200);
      const stopped = await execution(id, (s) => s !== "Running");
      expect(stopped.properties).toMatchObject({ status: "Stopped" });
      expect(JSON.stringify(stopped.properties.detailedStatus)).toContain(`"code":${code}`);
      expect(log()).toContain("got SIGTERM");
      expect((await arm("POST", `${id}/stop`)).status).toBe(200);
    }
  });

  it("lists executions newest first in pages with a nextLink", async () => {
    await arm("PUT", jobId("many"), job({ image: "registry.example/unknown:1", timeout: 1 }));
    const ids: string[] = [];
    for (let i = 0; i < 21; i++) ids.push(await started("many"));
    const first = await arm("GET", `${jobId("many")}/executions`);
    const value = first.body.value as { id: string }[];
    expect(value).toHaveLength(20);
    expect(value[0]?.id).toBe(ids[20]);
    const next = new URL(first.body.nextLink as string);
    const second = await arm("GET", `${next.pathname}?$skipToken=${next.searchParams.get("$skipToken")}`);
    expect((second.body.value as { id: string }[]).map((e) => e.id)).toEqual([ids[0]]);
    expect(second.body.nextLink).toBeUndefined();
  });

  it("authorizes execution calls as Azure names them: a Reader reads executions but cannot start or stop", async () => {
    await arm("PUT", jobId("guarded"), job({ image: "registry.example/unknown:1", timeout: 2 }));
    const id = await started("guarded");
    const reader = await provisionIdentity(graphClient(cloud, orchestrator), "reader");
    await arm(
      "PUT",
      `${jobId("guarded")}/providers/Microsoft.Authorization/roleAssignments/9b1f6f5e-7b7a-4c1e-8f54-1e7a3a1d0c01`,
      {
        properties: {
          roleDefinitionId: `/subscriptions/${cloud.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
          principalId: reader.principalId,
        },
      },
      "2022-04-01",
    );
    const asReader = armRequests(cloud, credential(cloud, reader.appId, reader.secret));
    expect((await asReader("GET", id)).status).toBe(200);
    expect((await asReader("GET", `${jobId("guarded")}/executions`)).status).toBe(200);
    const start = await asReader("POST", `${jobId("guarded")}/start`);
    expect(start.status).toBe(403);
    expect(JSON.stringify(start.body)).toContain("Microsoft.App/jobs/start/action");
    const stop = await asReader("POST", `${id}/stop`);
    expect(JSON.stringify(stop.body)).toContain("Microsoft.App/jobs/stop/execution/action");
    expect((await asReader("POST", `${jobId("guarded")}/listSecrets`)).status).toBe(403);
  });
});

describe("user-assigned identities and the job identity endpoint", () => {
  it("makes a principal that role assignments name and that a running execution gets tokens for", async () => {
    const identityId = `${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/agents`;
    const created = await arm("PUT", identityId, { location: "westeurope" }, IDENTITY_API_VERSION);
    const ids = created.body.properties as { clientId: string; principalId: string; tenantId: string };
    expect(ids.tenantId).toBe(cloud.tenantId);
    const again = await arm("PUT", identityId, { location: "westeurope" }, IDENTITY_API_VERSION);
    expect(again.body.properties).toMatchObject({ clientId: ids.clientId, principalId: ids.principalId });

    const assignment = await arm(
      "PUT",
      `${group}/providers/Microsoft.Authorization/roleAssignments/0d8c5f57-52b4-4f5a-9d53-6a1f4c2b7e11`,
      {
        properties: {
          roleDefinitionId: `/subscriptions/${cloud.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
          principalId: ids.principalId,
        },
      },
      "2022-04-01",
    );
    expect(assignment.status).toBe(201);

    const env = [
      { name: "MODE", value: "token" },
      { name: "CLIENT_ID", value: ids.clientId },
      { name: "GROUP_URL", value: `${cloud.url}${group}?api-version=2021-04-01` },
    ];
    await arm("PUT", jobId("with-identity"), job({ env, identity: identityId }));
    const done = await execution(await started("with-identity"), (s) => s !== "Running");
    expect(readFileSync(cloud.executionLogFile(done.name, "main"), "utf8")).toContain("group read 200");

    // Without the header of a running execution, nothing is issued.
    const refused = await fetch(
      `${cloud.url}/msi/token?api-version=2019-08-01&resource=https://management.azure.com&client_id=${ids.clientId}`,
      { headers: { "X-IDENTITY-HEADER": "guess" } },
    );
    expect(refused.status).toBe(401);

    // Deleting the identity deletes its principal: role assignments to it no longer find it.
    await arm("DELETE", identityId, undefined, IDENTITY_API_VERSION);
    const orphan = await arm(
      "PUT",
      `${group}/providers/Microsoft.Authorization/roleAssignments/3e0b1b2c-5d6e-4f70-8a9b-0c1d2e3f4a5b`,
      {
        properties: {
          roleDefinitionId: `/subscriptions/${cloud.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
          principalId: ids.principalId,
        },
      },
      "2022-04-01",
    );
    expect(orphan.body.error).toMatchObject({ code: "PrincipalNotFound" });
  });
});

describe("execution records", () => {
  it("outlive their processes and the sandbox: one running at close is recorded as stopped", async () => {
    const dataDirectory = mkdtempSync(join(tmpdir(), "sandbox-executions-"));
    try {
      const images = { [IMAGE]: { command: process.execPath, args: ["-e", PROGRAM] } };
      const first = await startWithOrchestrator({
        dataDirectory,
        containerImages: images,
        executionGraceMs: 200,
      });
      const request = armRequests(first.cloud, first.orchestrator);
      const rg = `/subscriptions/${first.cloud.subscriptionId}/resourceGroups/rg`;
      await request("PUT", rg, { location: "westeurope" }, "2021-04-01");
      const env = `${rg}/providers/Microsoft.App/managedEnvironments/env`;
      await request("PUT", env, { location: "westeurope", properties: {} });
      const body = job({ env: [{ name: "MODE", value: "linger" }] });
      body.properties.environmentId = env;
      const id = `${rg}/providers/Microsoft.App/jobs/kept`;
      await request("PUT", id, body);
      const started = await request("POST", `${id}/start`);
      await first.cloud.close();

      const second = await startWithOrchestrator({ dataDirectory, containerImages: images });
      try {
        const read = await armRequests(second.cloud, second.orchestrator)("GET", started.body.id as string);
        expect(read.body.properties).toMatchObject({
          status: "Stopped",
          message: "The sandbox cloud shut down.",
        });
      } finally {
        await second.cloud.close();
      }
    } finally {
      rmSync(dataDirectory, { recursive: true, force: true });
    }
  });
});

function safe(read: () => string): string {
  try {
    return read();
  } catch {
    return "";
  }
}

describe("a new user-assigned identity under replication delay", () => {
  it("is not found by a role assignment without principalType until it has replicated", async () => {
    const delayed = await startWithOrchestrator({ realism: { replicationDelayMs: 60_000 } });
    try {
      const request = armRequests(delayed.cloud, delayed.orchestrator);
      const rg = `/subscriptions/${delayed.cloud.subscriptionId}/resourceGroups/rg`;
      await request("PUT", rg, { location: "westeurope" }, "2021-04-01");
      const identity = await request(
        "PUT",
        `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/fresh`,
        { location: "westeurope" },
        IDENTITY_API_VERSION,
      );
      const principalId = (identity.body.properties as { principalId: string }).principalId;
      const assign = (name: string, principalType?: string) =>
        request(
          "PUT",
          `${rg}/providers/Microsoft.Authorization/roleAssignments/${name}`,
          {
            properties: {
              roleDefinitionId: `/subscriptions/${delayed.cloud.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
              principalId,
              ...(principalType === undefined ? {} : { principalType }),
            },
          },
          "2022-04-01",
        );
      expect((await assign("7a1c2e3f-4b5d-4e6f-8a9b-0c1d2e3f4a5b")).body.error).toMatchObject({
        code: "PrincipalNotFound",
      });
      expect((await assign("7a1c2e3f-4b5d-4e6f-8a9b-0c1d2e3f4a5c", "ServicePrincipal")).status).toBe(201);
    } finally {
      await delayed.cloud.close();
    }
  });
});
