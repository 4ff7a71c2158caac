// The agent under ARM throttling (the sandbox's realism.throttling: 429 TooManyRequests with Retry-After once
// its identity has spent its window's budget): every kind of step still succeeds, because the client the
// agent builds keeps the SDK's retry policy in the pipeline that all its calls go through — the SDK's own
// calls and the raw pipeline sends it uses for resource actions and nested lists alike — and each retry
// waits as Retry-After says.
import { randomUUID } from "node:crypto";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import type { RenderedArmStep } from "@haymaker/contracts";
import { type SandboxCloud, startSandboxCloud } from "@haymaker/sandbox-cloud";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArmCaller } from "./arm-caller.ts";
import { createArmClient } from "./arm-client.ts";

let cloud: SandboxCloud;
const group = "rg-throttled-agent";
const agent = { clientId: randomUUID(), secret: `agent-${randomUUID()}` };

beforeAll(async () => {
  // Three reads and three writes a second: a dozen steps need several windows.
  cloud = await startSandboxCloud({ realism: { throttling: { requests: 3, windowMs: 1000 } } });
  cloud.registerPrincipal({
    clientId: "orchestrator",
    secret: "orchestrator-secret",
    subscriptionScopes: [`/subscriptions/${cloud.subscriptionId}`],
  });
  const token = await fetch(`${cloud.url}/${cloud.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: "orchestrator",
      client_secret: "orchestrator-secret",
      scope: "https://management.azure.com/.default",
    }),
  });
  const { access_token } = (await token.json()) as { access_token: string };
  const created = await fetch(
    `${cloud.url}/subscriptions/${cloud.subscriptionId}/resourcegroups/${group}?api-version=2021-04-01`,
    {
      method: "PUT",
      headers: { authorization: `Bearer ${access_token}`, "content-type": "application/json" },
      body: JSON.stringify({ location: "westeurope" }),
    },
  );
  expect(created.status).toBe(201);
  cloud.registerPrincipal({
    clientId: agent.clientId,
    secret: agent.secret,
    subscriptionScopes: [`/subscriptions/${cloud.subscriptionId}/resourceGroups/${group}`],
  });
});

afterAll(() => cloud.close());

function step(action: RenderedArmStep["action"], path: string, extra: Partial<RenderedArmStep> = {}) {
  return {
    name: `${action} ${path}`,
    action,
    type: "Microsoft.Network/networkSecurityGroups",
    apiVersion: "2024-05-01",
    resourceName: "nsg1",
    path: `/subscriptions/${cloud.subscriptionId}/resourceGroups/${group}/providers/Microsoft.Network/networkSecurityGroups${path}`,
    operation: undefined,
    body: undefined,
    expectStatus: undefined,
    optional: false,
    ...extra,
  } satisfies RenderedArmStep;
}

describe("the agent under ARM throttling", () => {
  it("performs every kind of step, waiting as each Retry-After says", async () => {
    const client = await createArmClient({
      subscriptionId: cloud.subscriptionId,
      tenantId: cloud.tenantId,
      clientId: agent.clientId,
      clientSecret: agent.secret,
      armEndpoint: cloud.url,
      authorityHost: cloud.url,
      sandbox: true,
    });
    // Seen after the retry policy, so every attempt shows: what was refused, and when it went out again.
    const attempts: { request: string; at: number; status: number; retryAfterMs: number }[] = [];
    const recorder: PipelinePolicy = {
      name: "record-attempts",
      async sendRequest(request, next) {
        const at = Date.now();
        const response = await next(request);
        attempts.push({
          request: `${request.method} ${request.url}`,
          at,
          status: response.status,
          retryAfterMs: Number(response.headers.get("retry-after") ?? 0) * 1000,
        });
        return response;
      },
    };
    client.pipeline.addPolicy(recorder, { afterPhase: "Retry" });
    const caller = new ArmCaller({
      client,
      armEndpoint: cloud.url,
      resourceGroup: group,
      allowInsecureConnection: true,
      pollIntervalMs: 0,
    });

    const body = { location: "westeurope", properties: { securityRules: [] } };
    const steps: RenderedArmStep[] = [
      step("put", "/nsg1", { body }),
      ...Array.from({ length: 3 }, () => step("get", "/nsg1")),
      step("patch", "/nsg1", { body: { tags: { purpose: "hay" } } }),
      ...Array.from({ length: 2 }, () => step("list", "", { resourceName: undefined })),
      ...Array.from({ length: 2 }, () =>
        step("list", "/nsg1/securityRules", {
          type: "Microsoft.Network/networkSecurityGroups/securityRules",
        }),
      ),
      ...Array.from({ length: 3 }, () => step("post", "/nsg1/refresh", { operation: "refresh" })),
      step("delete", "/nsg1"),
    ];
    const outcomes = [];
    for (const each of steps) outcomes.push(await caller.call(each, each.body));

    expect(outcomes.map((outcome) => [outcome.ok, outcome.status])).toEqual(
      steps.map(() => [true, expect.any(Number)]),
    );
    const refused = attempts.filter((attempt) => attempt.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(3);
    for (const refusal of refused) {
      const retry = attempts.find(
        (attempt) => attempt.at > refusal.at && attempt.request === refusal.request,
      );
      expect(retry, `${refusal.request} was not retried`).toBeDefined();
      expect((retry?.at ?? 0) - refusal.at).toBeGreaterThanOrEqual(refusal.retryAfterMs - 20);
    }
  });
});
