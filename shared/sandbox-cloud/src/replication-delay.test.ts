// realism.replicationDelayMs: what Entra and ARM do while a new identity, secret or role assignment has
// not reached every replica — and that a delay of 0 (NO_REALISM) keeps everything immediate.
import { setTimeout as sleep } from "node:timers/promises";
import type { Client } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armScope, type SandboxCloud, type SandboxCredential } from "./index.ts";
import { graphClient } from "./test-support/clients.ts";
import { provisionIdentity } from "./test-support/identities.ts";
import { startWithOrchestrator } from "./test-support/orchestrated-cloud.ts";

// Long enough that the calls made "at once" below surely land inside it on a busy machine.
const DELAY_MS = 1_500;
const READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";

let cloud: SandboxCloud;
let orchestrator: SandboxCredential;
let graph: Client;

beforeAll(async () => {
  ({ cloud, orchestrator } = await startWithOrchestrator({ realism: { replicationDelayMs: DELAY_MS } }));
  graph = graphClient(cloud, orchestrator);
});

afterAll(async () => {
  await cloud.close();
});

async function token(clientId: string, secret: string) {
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

async function arm(method: string, path: string, bearer: string, payload?: unknown) {
  const response = await fetch(`${cloud.url}${path}?api-version=2022-04-01`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
  });
  const text = await response.text();
  const body = (text ? JSON.parse(text) : {}) as { error?: { code?: string; message?: string } };
  return { status: response.status, body };
}

async function orchestratorToken(): Promise<string> {
  return (await orchestrator.getToken(armScope))?.token ?? "";
}

async function group(name: string): Promise<string> {
  const path = `/subscriptions/${cloud.subscriptionId}/resourceGroups/${name}`;
  const created = await arm("PUT", path, await orchestratorToken(), { location: "westeurope" });
  expect(created.status).toBe(201);
  return path;
}

function assignment(scope: string, principalId: string, principalType?: string) {
  return {
    path: `${scope}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}`,
    body: {
      properties: {
        roleDefinitionId: `/subscriptions/${cloud.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
        principalId,
        ...(principalType === undefined ? {} : { principalType }),
      },
    },
  };
}

describe("replication delay (realism.replicationDelayMs)", () => {
  it("refuses a new identity's sign-in as Entra does for an unknown client, until the delay has passed", async () => {
    const identity = await provisionIdentity(graph, "replicating-sign-in");
    const early = await token(identity.appId, identity.secret);
    expect(early.status).toBe(400);
    expect(early.body).toMatchObject({ error: "unauthorized_client", error_codes: [700016] });
    expect(String(early.body.error_description)).toContain(
      `Application with identifier '${identity.appId}' was not found in the directory`,
    );
    await sleep(DELAY_MS);
    expect((await token(identity.appId, identity.secret)).status).toBe(200);
  });

  it("refuses a new client secret as invalid until it has replicated, while the older one keeps working", async () => {
    const identity = await provisionIdentity(graph, "replicating-secret");
    await sleep(DELAY_MS);
    const added = (await graph
      .api(`/applications/${identity.applicationId}/addPassword`)
      .post({ passwordCredential: { displayName: "second" } })) as { secretText: string };
    const early = await token(identity.appId, added.secretText);
    expect(early.status).toBe(401);
    expect(early.body).toMatchObject({ error: "invalid_client", error_codes: [7000215] });
    expect((await token(identity.appId, identity.secret)).status).toBe(200);
    await sleep(DELAY_MS);
    expect((await token(identity.appId, added.secretText)).status).toBe(200);
  });

  it("hides new applications and service principals from $filter queries, not from reads by key", async () => {
    const identity = await provisionIdentity(graph, "replicating-lookup");
    const byName = () =>
      graph.api("/applications").filter("displayName eq 'replicating-lookup'").get() as Promise<{
        value: unknown[];
      }>;
    const principalByAppId = () =>
      graph.api("/servicePrincipals").filter(`appId eq '${identity.appId}'`).get() as Promise<{
        value: unknown[];
      }>;
    expect((await byName()).value).toEqual([]);
    expect((await principalByAppId()).value).toEqual([]);
    expect(await graph.api(`/applications/${identity.applicationId}`).get()).toMatchObject({
      appId: identity.appId,
    });
    expect(await graph.api(`/servicePrincipals(appId='${identity.appId}')`).get()).toMatchObject({
      id: identity.principalId,
    });
    await sleep(DELAY_MS);
    expect((await byName()).value).toHaveLength(1);
    expect((await principalByAppId()).value).toHaveLength(1);
  });

  it("answers PrincipalNotFound for a new principal unless principalType says what it is", async () => {
    const identity = await provisionIdentity(graph, "replicating-principal");
    const scope = await group("rg-replicating-principal");
    const bare = assignment(scope, identity.principalId);
    const refused = await arm("PUT", bare.path, await orchestratorToken(), bare.body);
    expect(refused.status).toBe(400);
    expect(refused.body.error?.code).toBe("PrincipalNotFound");
    expect(refused.body.error?.message).toContain("might be related to a replication delay");
    expect(refused.body.error?.message).toContain("https://aka.ms/docs-principaltype");
    const typed = assignment(scope, identity.principalId, "ServicePrincipal");
    expect((await arm("PUT", typed.path, await orchestratorToken(), typed.body)).status).toBe(201);
  });

  it("lets a role assignment grant access only once the delay has passed since it was made", async () => {
    const identity = await provisionIdentity(graph, "replicating-role");
    const scope = await group("rg-replicating-role");
    await sleep(DELAY_MS);
    const signedIn = await token(identity.appId, identity.secret);
    const bearer = String(signedIn.body.access_token);
    const grant = assignment(scope, identity.principalId, "ServicePrincipal");
    expect((await arm("PUT", grant.path, await orchestratorToken(), grant.body)).status).toBe(201);
    const early = await arm("GET", scope, bearer);
    expect(early.status).toBe(403);
    expect(early.body.error?.code).toBe("AuthorizationFailed");
    await sleep(DELAY_MS);
    expect((await arm("GET", scope, bearer)).status).toBe(200);
  });
});

describe("no replication delay (NO_REALISM)", () => {
  it("lets a new identity sign in, be found and be granted a role at once", async () => {
    const { cloud: plain, orchestrator: owner } = await startWithOrchestrator();
    try {
      const plainGraph = graphClient(plain, owner);
      const identity = await provisionIdentity(plainGraph, "immediate");
      const found = (await plainGraph.api("/applications").filter("displayName eq 'immediate'").get()) as {
        value: unknown[];
      };
      expect(found.value).toHaveLength(1);
      const response = await fetch(`${plain.url}/${plain.tenantId}/oauth2/v2.0/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: identity.appId,
          client_secret: identity.secret,
          scope: armScope,
        }),
      });
      expect(response.status).toBe(200);
    } finally {
      await plain.close();
    }
  });
});
