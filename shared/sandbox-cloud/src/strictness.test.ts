// The holes a security review found, driven through the real SDK clients: names that smuggle a path
// separator past scope checks, Activity Log filters that authorize on one clause and query another, and
// 500s that echoed an internal error's text.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { AuthorizationManagementClient } from "@azure/arm-authorization";
import type { ResourceManagementClient } from "@azure/arm-resources";
import type { Client } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armScope, type SandboxCloud } from "./index.ts";
import {
  authorizationClient,
  collect,
  credential,
  failure,
  graphClient,
  monitorClient,
  resourcesClient,
} from "./test-support/clients.ts";
import { provisionIdentity, type TestIdentity } from "./test-support/identities.ts";
import { startWithOrchestrator } from "./test-support/orchestrated-cloud.ts";

const contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";
const reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
const storageApi = "2023-05-01";
const fast = { updateIntervalInMs: 0 };

let cloud: SandboxCloud;
let graph: Client;
let admin: AuthorizationManagementClient;
let orchestrator: ResourceManagementClient;

beforeAll(async () => {
  const started = await startWithOrchestrator();
  cloud = started.cloud;
  const cred = started.orchestrator;
  graph = graphClient(cloud, cred);
  admin = authorizationClient(cloud, cred);
  orchestrator = resourcesClient(cloud, cred);
  for (const group of ["rg-agent", "rg-agent2", "rg-other"]) {
    await orchestrator.resourceGroups.createOrUpdate(group, { location: "westeurope" });
  }
});

afterAll(async () => {
  await cloud.close();
});

const groupScope = (group: string) => `/subscriptions/${cloud.subscriptionId}/resourceGroups/${group}`;

async function agentWith(role: string, group: string): Promise<TestIdentity> {
  const identity = await provisionIdentity(graph, `agent-${randomUUID()}`);
  await admin.roleAssignments.create(groupScope(group), randomUUID(), {
    roleDefinitionId: `/subscriptions/${cloud.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
    principalId: identity.principalId,
    principalType: "ServicePrincipal",
  });
  return identity;
}

async function tokenFor(clientId: string, secret: string): Promise<string> {
  return (await credential(cloud, clientId, secret).getToken(armScope)).token;
}

describe("names follow Azure's naming rules", () => {
  it("refuses a resource group whose name carries an encoded slash, so it cannot escape its parent's scope", async () => {
    const agent = await agentWith(contributor, "rg-agent");
    const arm = resourcesClient(cloud, credential(cloud, agent.appId, agent.secret));
    // The SDK percent-encodes the name: the request path carries `rg-agent%2Fescape`.
    expect(
      await failure(arm.resourceGroups.createOrUpdate("rg-agent/escape", { location: "westeurope" })),
    ).toMatchObject({
      statusCode: 400,
      code: "InvalidResourceGroup",
      message: expect.stringContaining("has these invalid characters: '/'"),
    });
    // Double-encoded (`%252F`) is refused as ARM refuses it, before any name is looked at.
    expect(
      await failure(arm.resourceGroups.createOrUpdate("rg-agent%2Fescape", { location: "westeurope" })),
    ).toMatchObject({ statusCode: 400, code: "InvalidDoubleEncodedRequestUri" });

    // Nothing was created that could outlive the group it hides under.
    const groups = await collect(orchestrator.resourceGroups.list());
    expect(groups.map((g) => g.name).filter((n) => n?.toLowerCase().startsWith("rg-agent"))).toEqual([
      "rg-agent",
      "rg-agent2",
    ]);
  });

  it("applies the resource group rules to every character class Azure documents", async () => {
    for (const good of ["rg_1.(x)-y", "grupo-café", "资源组", "g".repeat(90)]) {
      await expect(
        orchestrator.resourceGroups.createOrUpdate(good, { location: "westeurope" }),
      ).resolves.toMatchObject({ name: good });
    }
    for (const [bad, rule] of [
      ["ends-with-period.", "period"],
      ["g".repeat(91), "1 to 90"],
      ["has space", "invalid characters: ' '"],
      ["semi;colon", "invalid characters: ';'"],
    ] as const) {
      expect(
        await failure(orchestrator.resourceGroups.createOrUpdate(bad, { location: "westeurope" })),
      ).toMatchObject({
        statusCode: 400,
        code: "InvalidResourceGroup",
        message: expect.stringContaining(rule),
      });
    }
  });

  it("keeps a group's resources under it whatever letters the group's name uses", async () => {
    // U+20000 is a letter (Lo) that JavaScript counts as two code units and SQLite as one character.
    const group = "\u{20000}-grp";
    await orchestrator.resourceGroups.createOrUpdate(group, { location: "westeurope" });
    const nsg = `${groupScope(group)}/providers/Microsoft.Network/networkSecurityGroups/nsg1`;
    await orchestrator.resources.beginCreateOrUpdateByIdAndWait(
      nsg,
      "2023-09-01",
      { location: "westeurope" },
      fast,
    );
    await orchestrator.resources.beginCreateOrUpdateByIdAndWait(
      `${nsg}/securityRules/rule1`,
      "2023-09-01",
      { properties: { priority: 100 } },
      fast,
    );
    expect((await collect(orchestrator.resources.listByResourceGroup(group))).map((r) => r.name)).toEqual([
      "nsg1",
      "rule1",
    ]);
    await orchestrator.resources.beginDeleteByIdAndWait(nsg, "2023-09-01", fast);
    expect(await collect(orchestrator.resources.listByResourceGroup(group))).toEqual([]);
    expect(
      await failure(orchestrator.resources.getById(`${nsg}/securityRules/rule1`, "2023-09-01")),
    ).toMatchObject({
      statusCode: 404,
    });
  });

  it("refuses resource names with characters ARM forbids, and storage account names Storage forbids", async () => {
    const agent = await agentWith(contributor, "rg-agent2");
    const arm = resourcesClient(cloud, credential(cloud, agent.appId, agent.secret));
    const put = (type: string, name: string) =>
      arm.resources.beginCreateOrUpdateAndWait(
        "rg-agent2",
        "Microsoft.Network",
        "",
        type,
        name,
        "2023-09-01",
        { location: "westeurope" },
        fast,
      );
    for (const bad of ["nsg/child", "a:b", "a&b", "a<b", "a?b", "a\\b", "a\u0001b", "n".repeat(261)]) {
      expect(await failure(put("networkSecurityGroups", bad))).toMatchObject({
        statusCode: 400,
        code: "InvalidResourceName",
      });
    }
    await expect(put("networkSecurityGroups", "nsg one (ok)")).resolves.toMatchObject({
      name: "nsg one (ok)",
    });

    const storage = (name: string) =>
      arm.resources.beginCreateOrUpdateAndWait(
        "rg-agent2",
        "Microsoft.Storage",
        "",
        "storageAccounts",
        name,
        storageApi,
        { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" } },
        fast,
      );
    for (const bad of ["UPPER1", "st", "with-dash", "s".repeat(25)]) {
      expect(await failure(storage(bad))).toMatchObject({ statusCode: 400, code: "AccountNameInvalid" });
    }
    await expect(storage("stok123")).resolves.toMatchObject({ name: "stok123" });
  });

  it("refuses malformed subscription ids, provider namespaces and resource types", async () => {
    const token = await tokenFor("orchestrator", "orchestrator-secret");
    const get = async (path: string) => {
      const response = await fetch(`${cloud.url}${path}?api-version=2021-04-01`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: response.status, body: (await response.json()) as { error: { code: string } } };
    };
    expect(await get("/subscriptions/not-a-guid/resourceGroups/rg-agent")).toMatchObject({
      status: 400,
      body: { error: { code: "InvalidSubscriptionId" } },
    });
    expect(
      await get(`${groupScope("rg-agent")}/providers/Micro$oft.Storage/storageAccounts/stok123`),
    ).toMatchObject({ status: 400, body: { error: { code: "InvalidResourceNamespace" } } });
    expect(
      await get(`${groupScope("rg-agent")}/providers/Microsoft.Storage/storage-accounts/stok123`),
    ).toMatchObject({ status: 400, body: { error: { code: "InvalidResourceType" } } });
    // A broken percent-escape is the caller's mistake: 400, never a 500 with the decoder's complaint.
    expect(await get(`${groupScope("rg-agent")}%E0%A4%A`)).toMatchObject({
      status: 400,
      body: { error: { code: "InvalidRequestUri" } },
    });
  });

  it("does not let a role at one group cover a group whose name merely starts with it", async () => {
    const agent = await agentWith(contributor, "rg-agent");
    const arm = resourcesClient(cloud, credential(cloud, agent.appId, agent.secret));
    expect(await failure(arm.resourceGroups.get("rg-agent2"))).toMatchObject({
      statusCode: 403,
      code: "AuthorizationFailed",
    });
    await expect(arm.resourceGroups.get("RG-AGENT")).resolves.toMatchObject({ name: "rg-agent" });
  });

  it("refuses a role assignment whose scope is not a subscription, group or resource", async () => {
    const token = await tokenFor("orchestrator", "orchestrator-secret");
    const response = await fetch(
      `${cloud.url}${groupScope("rg-agent")}%2Fx/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "InvalidResourceGroup" } });
  });

  it("refuses a bootstrap principal scope that is not a subscription or a validly named group", () => {
    const base = `/subscriptions/${cloud.subscriptionId}`;
    for (const scope of [`${base}/resourceGroups/rg%2Fescape`, `${base}/resourceGroups/rg/escape`, "/"]) {
      expect(() =>
        cloud.registerPrincipal({ clientId: "bad-scope", secret: "s", subscriptionScopes: [scope] }),
      ).toThrow(/registerPrincipal: the scope/);
    }
  });

  it("refuses Graph object ids that are not GUIDs and broken escapes with Graph's 400", async () => {
    const token = (
      await credential(cloud, "orchestrator", "orchestrator-secret").getToken(
        "https://graph.microsoft.com/.default",
      )
    ).token;
    for (const path of ["/v1.0/applications/x%2Fy", "/v1.0/servicePrincipals/%E0%A4%A"]) {
      const response = await fetch(`${cloud.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "Request_BadRequest" } });
    }
  });
});

describe("Activity Log filters", () => {
  it("refuses a repeated resourceGroupName clause instead of authorizing one group and reading another", async () => {
    const start = new Date(Date.now() - 1000).toISOString();
    await orchestrator.resourceGroups.update("rg-other", { tags: { secret: "activity" } });
    const agent = await agentWith(reader, "rg-agent");
    const monitor = monitorClient(cloud, credential(cloud, agent.appId, agent.secret));

    const smuggled = `eventTimestamp ge '${start}' and resourceGroupName eq 'rg-agent' and resourceGroupName eq 'rg-other'`;
    expect(await failure(collect(monitor.activityLogs.list(smuggled)))).toMatchObject({
      statusCode: 400,
      code: "BadRequest",
    });
    const reversed = `eventTimestamp ge '${start}' and resourceGroupName eq 'rg-other' and resourceGroupName eq 'rg-agent'`;
    expect(await failure(collect(monitor.activityLogs.list(reversed)))).toMatchObject({ statusCode: 400 });

    // Its own group it may read; the other group it may not.
    await expect(
      collect(monitor.activityLogs.list(`eventTimestamp ge '${start}' and resourceGroupName eq 'rg-agent'`)),
    ).resolves.toBeInstanceOf(Array);
    expect(
      await failure(
        collect(
          monitor.activityLogs.list(`eventTimestamp ge '${start}' and resourceGroupName eq 'rg-other'`),
        ),
      ),
    ).toMatchObject({ statusCode: 403, code: "AuthorizationFailed" });
  });

  it("accepts Azure's documented grammar and refuses repeats, conflicts and invalid group names", async () => {
    const monitor = monitorClient(cloud, credential(cloud, "orchestrator", "orchestrator-secret"));
    const start = new Date(Date.now() - 60_000).toISOString();
    const end = new Date(Date.now() + 60_000).toISOString();
    const accepted = [
      `eventTimestamp ge '${start}'`,
      `eventTimestamp ge '${start}' and eventTimestamp le '${end}' and resourceGroupName eq 'rg-agent'`,
      `eventTimestamp ge '${start}' and eventTimestamp le '${end}' and resourceUri eq '${groupScope("rg-agent")}'`,
      `eventTimestamp ge '${start}' and resourceProvider eq 'Microsoft.Resources'`,
      `eventTimestamp ge '${start}' and correlationId eq '${randomUUID()}'`,
      `eventTimestamp ge '${start}' and caller eq 'it''s and more' and resourceGroupName eq 'rg-agent'`,
    ];
    for (const filter of accepted)
      await expect(collect(monitor.activityLogs.list(filter))).resolves.toBeDefined();

    // Names in any Unicode letters are found case-insensitively, as ARM compares them.
    await orchestrator.resourceGroups.createOrUpdate("GRUPO-ÑANDÚ", { location: "westeurope" });
    const byUri = await collect(
      monitor.activityLogs.list(
        `eventTimestamp ge '${start}' and resourceUri eq '${groupScope("grupo-ñandú")}'`,
      ),
    );
    expect(byUri.map((e) => e.resourceId)).toContain(groupScope("GRUPO-ÑANDÚ"));

    const refused = [
      `eventTimestamp ge '${start}' and eventTimestamp ge '${end}'`,
      `eventTimestamp ge '${start}' and caller eq 'a' and caller eq 'b'`,
      `eventTimestamp ge '${start}' and resourceUri eq '/x' and resourceId eq '/y'`,
      `eventTimestamp ge '${start}' and resourceGroupName eq 'rg-agent' and resourceUri eq '${groupScope("rg-other")}'`,
      `eventTimestamp ge '${start}' and resourceGroupName eq 'rg-agent/../rg-other'`,
      `eventTimestamp ge '${start}' or resourceGroupName eq 'rg-agent'`,
      `eventTimestamp le '${end}'`,
    ];
    for (const filter of refused) {
      expect(await failure(collect(monitor.activityLogs.list(filter)))).toMatchObject({ statusCode: 400 });
    }
  });
});

describe("internal errors", () => {
  it("answers a failure inside the sandbox with a fixed sentence, and logs the cause instead", async () => {
    const dataDirectory = mkdtempSync(join(tmpdir(), "sandbox-500-"));
    const logged: string[] = [];
    const { cloud: local, orchestrator: cred } = await startWithOrchestrator({
      dataDirectory,
      log: (line) => logged.push(line),
    });
    const holder = new DatabaseSync(join(dataDirectory, "sandbox-cloud.sqlite"));
    try {
      const token = (await cred.getToken(armScope)).token;
      // Another writer holding the database makes the sandbox's own write fail: a real store failure.
      holder.exec("BEGIN IMMEDIATE");
      const response = await fetch(
        `${local.url}/subscriptions/${local.subscriptionId}/resourcegroups/rg-locked?api-version=2021-04-01`,
        {
          method: "PUT",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ location: "westeurope" }),
        },
      );
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({
        error: {
          code: "InternalServerError",
          message: "The sandbox cloud failed to process the request. Its log has the details.",
        },
      });
      expect(text).not.toMatch(/locked|sqlite|at /i);
      expect(logged.join("\n")).toMatch(/PUT .*rg-locked.*database is locked/);
      expect(logged.join("\n")).not.toContain(token);
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
      await local.close();
      rmSync(dataDirectory, { recursive: true, force: true });
    }
  });
});
