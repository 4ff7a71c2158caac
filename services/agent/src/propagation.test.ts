// The agent against a sandbox that replicates like Entra and Azure RBAC (realism.replicationDelayMs): an
// identity, secret and role made a moment before the agent starts are refused at first; the agent retries
// for its propagation window instead of calling that access denied, and still reports a real denial once
// the window has passed.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { RenderedArmStep } from "@haymaker/contracts";
import {
  armScope,
  graphScope,
  type SandboxCloud,
  SandboxCredential,
  startSandboxCloud,
} from "@haymaker/sandbox-cloud";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArmCaller } from "./arm-caller.ts";
import { createArmClient } from "./arm-client.ts";

const DELAY_MS = 1_500;
const CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";

let cloud: SandboxCloud;
let orchestrator: SandboxCredential;

beforeAll(async () => {
  cloud = await startSandboxCloud({ realism: { replicationDelayMs: DELAY_MS } });
  const clientId = randomUUID();
  const secret = `orchestrator-${randomUUID()}`;
  cloud.registerPrincipal({
    clientId,
    secret,
    subscriptionScopes: [`/subscriptions/${cloud.subscriptionId}`],
    directoryWriter: true,
  });
  orchestrator = new SandboxCredential({
    authorityHost: cloud.url,
    tenantId: cloud.tenantId,
    clientId,
    clientSecret: secret,
  });
});

afterAll(async () => {
  await cloud.close();
});

// biome-ignore lint/suspicious/noExplicitAny: a test reads a few known fields of Graph and ARM answers
async function call(method: string, path: string, scope: string, body?: unknown): Promise<any> {
  const token = (await orchestrator.getToken(scope))?.token;
  const response = await fetch(`${cloud.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

const groupPath = (group: string) => `/subscriptions/${cloud.subscriptionId}/resourceGroups/${group}`;

/** What provision does: a group, an application with a secret and a principal, Contributor on the group. */
async function provision(group: string): Promise<{ clientId: string; secret: string }> {
  await call("PUT", `${groupPath(group)}?api-version=2021-04-01`, armScope, { location: "westeurope" });
  const app = await call("POST", "/v1.0/applications", graphScope, { displayName: group });
  const password = await call("POST", `/v1.0/applications/${app.id}/addPassword`, graphScope, {});
  const sp = await call("POST", "/v1.0/servicePrincipals", graphScope, { appId: app.appId });
  await call(
    "PUT",
    `${groupPath(group)}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
    armScope,
    {
      properties: {
        roleDefinitionId: `/subscriptions/${cloud.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`,
        principalId: sp.id,
        principalType: "ServicePrincipal",
      },
    },
  );
  return { clientId: app.appId, secret: password.secretText };
}

async function agentCaller(
  identity: { clientId: string; secret: string },
  group: string,
  propagationEndsAt: number | undefined,
) {
  const client = await createArmClient({
    subscriptionId: cloud.subscriptionId,
    tenantId: cloud.tenantId,
    clientId: identity.clientId,
    clientSecret: identity.secret,
    armEndpoint: cloud.url,
    authorityHost: cloud.url,
    sandbox: true,
  });
  return new ArmCaller({
    client,
    armEndpoint: cloud.url,
    resourceGroup: group,
    allowInsecureConnection: true,
    pollIntervalMs: 0,
    ...(propagationEndsAt === undefined ? {} : { propagationEndsAt }),
  });
}

function putNsg(group: string): RenderedArmStep {
  return {
    name: "Create a network security group",
    action: "put",
    type: "Microsoft.Network/networkSecurityGroups",
    apiVersion: "2023-09-01",
    resourceName: "nsg-propagation",
    path: `${groupPath(group)}/providers/Microsoft.Network/networkSecurityGroups/nsg-propagation`,
    operation: undefined,
    body: { location: "westeurope" },
    expectStatus: undefined,
    optional: false,
  };
}

describe("an agent started right after its identity was made", () => {
  it("is refused without a propagation window: the failure the window is for", async () => {
    const identity = await provision("rg-no-window");
    const arm = await agentCaller(identity, "rg-no-window", undefined);
    const outcome = await arm.call(putNsg("rg-no-window"), putNsg("rg-no-window").body);
    expect(outcome).toMatchObject({ ok: false, status: 401, code: "SignInRefused", attempts: 1 });
  });

  it("retries the refused sign-in and the 403 until its identity and role have propagated", async () => {
    const identity = await provision("rg-window");
    const arm = await agentCaller(identity, "rg-window", Date.now() + 30_000);
    const outcome = await arm.call(putNsg("rg-window"), putNsg("rg-window").body);
    expect(outcome).toMatchObject({ ok: true });
    expect(outcome.attempts).toBeGreaterThan(1);
  });

  it("calls a denial outside its group access denied once the window has passed", async () => {
    const identity = await provision("rg-own");
    await call("PUT", `${groupPath("rg-foreign")}?api-version=2021-04-01`, armScope, {
      location: "westeurope",
    });
    await sleep(DELAY_MS);
    const started = Date.now();
    const arm = await agentCaller(identity, "rg-own", started + 1_200);
    const outcome = await arm.call(putNsg("rg-foreign"), putNsg("rg-foreign").body);
    expect(outcome).toMatchObject({ ok: false, status: 403, code: "AuthorizationFailed" });
    expect(outcome.attempts).toBeGreaterThan(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_200);
    // Its own group works: the identity was fine, the scope was not.
    expect(await arm.call(putNsg("rg-own"), putNsg("rg-own").body)).toMatchObject({ ok: true, attempts: 1 });
  });
});
