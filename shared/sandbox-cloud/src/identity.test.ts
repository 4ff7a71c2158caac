import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armScope, graphScope, type SandboxCloud } from "./index.ts";
import { collect, credential, failure, graphClient, resourcesClient } from "./test-support/clients.ts";
import { startWithOrchestrator } from "./test-support/orchestrated-cloud.ts";

let cloud: SandboxCloud;

beforeAll(async () => {
  ({ cloud } = await startWithOrchestrator());
});

afterAll(async () => {
  await cloud.close();
});

async function tokenRequest(tenant: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${cloud.url}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
}

const orchestratorForm = {
  grant_type: "client_credentials",
  client_id: "orchestrator",
  client_secret: "orchestrator-secret",
  scope: armScope,
};

describe("tenant and subscription identity", () => {
  it("generates distinct GUIDs when none are given", () => {
    expect(cloud.tenantId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(cloud.subscriptionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(cloud.subscriptionId).not.toBe(cloud.tenantId);
  });

  it("serves its own subscription and answers SubscriptionNotFound for any other", async () => {
    const cred = credential(cloud, "orchestrator", "orchestrator-secret");
    const own = resourcesClient(cloud, cred);
    await own.resourceGroups.createOrUpdate("rg-own", { location: "westeurope" });
    expect((await collect(own.resourceGroups.list())).map((g) => g.name)).toContain("rg-own");

    const other = resourcesClient(cloud, cred, "00000000-0000-0000-0000-0000000000ff");
    await expect(collect(other.resourceGroups.list())).rejects.toMatchObject({ statusCode: 404 });
    const error = await failure(other.resourceGroups.get("rg-own"));
    expect(error).toMatchObject({ statusCode: 404, code: "SubscriptionNotFound" });
    expect(String(error.message)).toContain("00000000-0000-0000-0000-0000000000ff");

    const token = await cred.getToken(armScope);
    const subscription = await fetch(
      `${cloud.url}/subscriptions/${cloud.subscriptionId}?api-version=2022-12-01`,
      {
        headers: { authorization: `Bearer ${token.token}` },
      },
    );
    expect(await subscription.json()).toMatchObject({
      subscriptionId: cloud.subscriptionId,
      tenantId: cloud.tenantId,
      state: "Enabled",
    });
    const subscriptions = await fetch(`${cloud.url}/subscriptions?api-version=2022-12-01`, {
      headers: { authorization: `Bearer ${token.token}` },
    });
    expect(((await subscriptions.json()) as { value: { subscriptionId: string }[] }).value).toEqual([
      expect.objectContaining({ subscriptionId: cloud.subscriptionId, tenantId: cloud.tenantId }),
    ]);
  });

  it("issues tokens only for its own tenant, answering others as Entra does (AADSTS90002)", async () => {
    expect((await tokenRequest(cloud.tenantId, orchestratorForm)).status).toBe(200);
    expect((await tokenRequest(cloud.tenantId.toUpperCase(), orchestratorForm)).status).toBe(200);

    const foreign = await tokenRequest("contoso-tenant", orchestratorForm);
    expect(foreign.status).toBe(400);
    const body = (await foreign.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error: "invalid_request", error_codes: [90002] });
    expect(body.error_description).toMatch(/^AADSTS90002: Tenant 'contoso-tenant' not found/);
    expect(JSON.stringify(body)).not.toContain("orchestrator-secret");
  });

  it("validates grant type and scope like Entra", async () => {
    const grant = await tokenRequest(cloud.tenantId, { ...orchestratorForm, grant_type: "password" });
    expect(await grant.json()).toMatchObject({ error: "unsupported_grant_type" });
    const scope = await tokenRequest(cloud.tenantId, {
      ...orchestratorForm,
      scope: "https://management.azure.com/user_impersonation",
    });
    expect(scope.status).toBe(400);
    expect(await scope.json()).toMatchObject({ error: "invalid_scope", error_codes: [1002012] });
    const unknown = await tokenRequest(cloud.tenantId, { ...orchestratorForm, client_id: "nobody" });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: "unauthorized_client", error_codes: [700016] });
  });

  it("binds tokens to their audience: ARM refuses a Graph token and Graph an ARM token", async () => {
    const cred = credential(cloud, "orchestrator", "orchestrator-secret");
    const graphToken = (await cred.getToken(graphScope)).token;
    const arm = await fetch(
      `${cloud.url}/subscriptions/${cloud.subscriptionId}/resourcegroups?api-version=2021-04-01`,
      {
        headers: { authorization: `Bearer ${graphToken}` },
      },
    );
    expect(arm.status).toBe(401);
    expect(await arm.json()).toMatchObject({
      error: { code: "InvalidAuthenticationToken", message: expect.stringMatching(/wrong audience/) },
    });

    const armToken = (await cred.getToken(armScope)).token;
    const graph = await fetch(`${cloud.url}/v1.0/applications`, {
      headers: { authorization: `Bearer ${armToken}` },
    });
    expect(graph.status).toBe(401);
    expect(await graph.json()).toMatchObject({
      error: {
        code: "InvalidAuthenticationToken",
        message: "Access token validation failure. Invalid audience.",
      },
    });
    // The same credential works for both once each client asks for its own resource.
    await expect(graphClient(cloud, cred).api("/applications").get()).resolves.toMatchObject({ value: [] });
  });
});
