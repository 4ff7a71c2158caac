import type { Client } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armScope, type SandboxCloud } from "./index.ts";
import { credential, failure, graphClient, resourcesClient } from "./test-support/clients.ts";
import { provisionIdentity } from "./test-support/identities.ts";
import { startWithOrchestrator } from "./test-support/orchestrated-cloud.ts";

let cloud: SandboxCloud;
let graph: Client;

beforeAll(async () => {
  const started = await startWithOrchestrator();
  cloud = started.cloud;
  graph = graphClient(cloud, started.orchestrator);
});

afterAll(async () => {
  await cloud.close();
});

async function tokenResponse(
  clientId: string,
  secret: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${cloud.url}/${cloud.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: secret,
      scope: armScope,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function listGroups(token: string): Promise<Response> {
  return fetch(`${cloud.url}/subscriptions/${cloud.subscriptionId}/resourcegroups?api-version=2021-04-01`, {
    headers: { authorization: `Bearer ${token}` },
  });
}

describe("applications created through Graph are principals", () => {
  it("gets tokens only once its service principal exists, without ever echoing the secret", async () => {
    const app = await graph.api("/applications").post({ displayName: "agent-no-sp" });
    const { secretText } = await graph.api(`/applications/${app.id}/addPassword`).post({});

    const missingSp = await tokenResponse(app.appId, secretText);
    expect(missingSp.status).toBe(401);
    expect(missingSp.body).toMatchObject({ error: "invalid_client", error_codes: [7000229] });
    expect(missingSp.body.error_description).toContain(
      `${app.appId} is missing service principal in the tenant ${cloud.tenantId}`,
    );

    const wrong = await tokenResponse(app.appId, `${secretText}x`);
    expect(wrong.body).toMatchObject({ error: "invalid_client", error_codes: [7000215] });

    await graph.api("/servicePrincipals").post({ appId: app.appId });
    const ok = await tokenResponse(app.appId, secretText);
    expect(ok.status).toBe(200);
    expect(ok.body.access_token).toEqual(expect.any(String));
    for (const response of [missingSp, wrong, ok])
      expect(JSON.stringify(response.body)).not.toContain(secretText);
  });

  it("refuses a removed or expired password", async () => {
    const identity = await provisionIdentity(graph, "agent-passwords");
    const creds = (await graph.api(`/applications/${identity.applicationId}`).get()).passwordCredentials;
    await graph.api(`/applications/${identity.applicationId}/removePassword`).post({ keyId: creds[0].keyId });
    expect((await tokenResponse(identity.appId, identity.secret)).body).toMatchObject({
      error_codes: [7000215],
    });

    const expired = await graph.api(`/applications/${identity.applicationId}/addPassword`).post({
      passwordCredential: { startDateTime: "2020-01-01T00:00:00Z", endDateTime: "2021-01-01T00:00:00Z" },
    });
    const refused = await tokenResponse(identity.appId, expired.secretText);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: "invalid_client", error_codes: [7000222] });
  });

  it("starts with no access at all: ARM answers AuthorizationFailed naming the client", async () => {
    const identity = await provisionIdentity(graph, "agent-no-roles");
    const arm = resourcesClient(cloud, credential(cloud, identity.appId, identity.secret));
    const error = await failure(arm.resourceGroups.createOrUpdate("rg-nope", { location: "westeurope" }));
    expect(error).toMatchObject({ statusCode: 403, code: "AuthorizationFailed" });
    expect(error.message).toBe(
      `The client '${identity.appId}' with object id '${identity.principalId}' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourceGroups/write' over scope '/subscriptions/${cloud.subscriptionId}/resourceGroups/rg-nope' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
    // Applications never get directory rights, whoever created them.
    const asGraph = graphClient(cloud, credential(cloud, identity.appId, identity.secret));
    expect(await failure(asGraph.api("/applications").get())).toMatchObject({ statusCode: 403 });
  });

  it("revokes issued tokens at once when the service principal is deleted (stricter than Azure)", async () => {
    const identity = await provisionIdentity(graph, "agent-revoked-sp");
    const { access_token } = (await tokenResponse(identity.appId, identity.secret)).body as {
      access_token: string;
    };
    expect((await listGroups(access_token)).status).toBe(403); // authenticated, merely unauthorized

    await graph.api(`/servicePrincipals/${identity.principalId}`).delete();
    const after = await listGroups(access_token);
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ error: { code: "InvalidAuthenticationToken" } });
    expect((await tokenResponse(identity.appId, identity.secret)).body).toMatchObject({
      error_codes: [7000229],
    });
  });

  it("revokes issued tokens at once when the application is deleted", async () => {
    const identity = await provisionIdentity(graph, "agent-revoked-app");
    const { access_token } = (await tokenResponse(identity.appId, identity.secret)).body as {
      access_token: string;
    };
    expect((await listGroups(access_token)).status).toBe(403);

    await graph.api(`/applications/${identity.applicationId}`).delete();
    expect((await listGroups(access_token)).status).toBe(401);
    const refused = await tokenResponse(identity.appId, identity.secret);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: "unauthorized_client", error_codes: [700016] });
  });
});
