import { randomUUID } from "node:crypto";
import type { AuthorizationManagementClient } from "@azure/arm-authorization";
import type { Client } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxCloud } from "./index.ts";
import {
  authorizationClient,
  collect,
  credential,
  failure,
  graphClient,
  resourcesClient,
} from "./test-support/clients.ts";
import { provisionIdentity, type TestIdentity } from "./test-support/identities.ts";
import { startWithOrchestrator } from "./test-support/orchestrated-cloud.ts";

const roles = {
  owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  userAccessAdministrator: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
  storageAccountContributor: "17d1049b-9a84-46fb-8f53-869881c3d3ab",
  keyVaultCryptoOfficer: "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
};
const storageApi = "2023-05-01";
const fast = { updateIntervalInMs: 0 };

let cloud: SandboxCloud;
let graph: Client;
let admin: AuthorizationManagementClient;

beforeAll(async () => {
  const started = await startWithOrchestrator();
  cloud = started.cloud;
  const cred = started.orchestrator;
  graph = graphClient(cloud, cred);
  admin = authorizationClient(cloud, cred);
  const arm = resourcesClient(cloud, cred);
  for (const group of ["rg-agent", "rg-other", "rg-doomed"]) {
    await arm.resourceGroups.createOrUpdate(group, { location: "westeurope" });
  }
});

afterAll(async () => {
  await cloud.close();
});

const sub = () => `/subscriptions/${cloud.subscriptionId}`;
const groupScope = (group: string) => `${sub()}/resourceGroups/${group}`;
const definition = (id: string) => `${sub()}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
const accountId = (group: string, name: string) =>
  `${groupScope(group)}/providers/Microsoft.Storage/storageAccounts/${name}`;

async function grant(identity: TestIdentity, role: string, scope: string, name: string = randomUUID()) {
  return admin.roleAssignments.create(scope, name, {
    roleDefinitionId: definition(role),
    principalId: identity.principalId,
    principalType: "ServicePrincipal",
  });
}

function armAs(identity: TestIdentity) {
  return resourcesClient(cloud, credential(cloud, identity.appId, identity.secret));
}

describe("role definitions", () => {
  it("serves the built-in catalogue with Azure's GUIDs, filterable by roleName", async () => {
    const contributor = await collect(
      admin.roleDefinitions.list(sub(), { filter: "roleName eq 'Contributor'" }),
    );
    expect(contributor).toHaveLength(1);
    expect(contributor[0]).toMatchObject({
      name: roles.contributor,
      id: definition(roles.contributor),
      roleName: "Contributor",
      roleType: "BuiltInRole",
      permissions: [
        expect.objectContaining({
          actions: ["*"],
          notActions: expect.arrayContaining(["Microsoft.Authorization/*/Write"]),
        }),
      ],
    });
    const all = await collect(admin.roleDefinitions.list(groupScope("rg-agent")));
    expect(all.map((r) => r.roleName)).toEqual(
      expect.arrayContaining([
        "Owner",
        "Reader",
        "User Access Administrator",
        "Network Contributor",
        "Storage Account Contributor",
        "Virtual Machine Contributor",
        "Website Contributor",
        "Web Plan Contributor",
        "Log Analytics Contributor",
        "Key Vault Contributor",
        "Key Vault Crypto Officer",
        "EventGrid Contributor",
        "DocumentDB Account Contributor",
        "Data Factory Contributor",
      ]),
    );
    const officer = await admin.roleDefinitions.get(groupScope("rg-agent"), roles.keyVaultCryptoOfficer);
    expect(officer.permissions?.[0]?.dataActions).toEqual([
      "Microsoft.KeyVault/vaults/keys/*",
      "Microsoft.KeyVault/vaults/keyrotationpolicies/*",
    ]);
    expect(await failure(admin.roleDefinitions.get(sub(), randomUUID()))).toMatchObject({
      statusCode: 404,
      code: "RoleDefinitionDoesNotExist",
    });
  });
});

describe("role assignments", () => {
  it("creates, reads, lists and deletes an assignment with ARM's semantics", async () => {
    const identity = await provisionIdentity(graph, "agent-crud");
    const name = randomUUID();
    const created = await grant(identity, roles.reader, groupScope("rg-agent"), name);
    expect(created).toMatchObject({
      id: `${groupScope("rg-agent")}/providers/Microsoft.Authorization/roleAssignments/${name}`,
      name,
      type: "Microsoft.Authorization/roleAssignments",
      scope: groupScope("rg-agent"),
      roleDefinitionId: definition(roles.reader),
      principalId: identity.principalId,
      principalType: "ServicePrincipal",
    });
    // Same name, same content: idempotent. Same grant under another name: ARM's conflict.
    await expect(grant(identity, roles.reader, groupScope("rg-agent"), name)).resolves.toMatchObject({
      name,
    });
    expect(await failure(grant(identity, roles.reader, groupScope("rg-agent")))).toMatchObject({
      statusCode: 409,
      code: "RoleAssignmentExists",
    });
    expect(await failure(grant(identity, roles.contributor, groupScope("rg-agent"), name))).toMatchObject({
      statusCode: 409,
      code: "RoleAssignmentUpdateNotPermitted",
    });

    expect(await admin.roleAssignments.get(groupScope("rg-agent"), name)).toMatchObject({ name });
    const forPrincipal = await collect(
      admin.roleAssignments.listForSubscription({ filter: `principalId eq '${identity.principalId}'` }),
    );
    expect(forPrincipal.map((a) => a.name)).toEqual([name]);
    const atSubscription = await collect(admin.roleAssignments.listForScope(sub(), { filter: "atScope()" }));
    expect(atSubscription.map((a) => a.name)).not.toContain(name);
    const atGroup = await collect(
      admin.roleAssignments.listForResourceGroup("rg-agent", { filter: "atScope()" }),
    );
    expect(atGroup.map((a) => a.name)).toContain(name);

    const deleted = await admin.roleAssignments.delete(groupScope("rg-agent"), name);
    expect(deleted).toMatchObject({ name, principalId: identity.principalId });
    expect(await failure(admin.roleAssignments.get(groupScope("rg-agent"), name))).toMatchObject({
      statusCode: 404,
      code: "RoleAssignmentNotFound",
    });
    const gone = await fetch(
      `${cloud.url}${groupScope("rg-agent")}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`,
      {
        method: "DELETE",
        headers: {
          authorization: `Bearer ${(await credential(cloud, "orchestrator", "orchestrator-secret").getToken("https://management.azure.com/.default")).token}`,
        },
      },
    );
    expect(gone.status).toBe(204);
  });

  it("validates principal, role and scope", async () => {
    const identity = await provisionIdentity(graph, "agent-validation");
    expect(
      await failure(
        admin.roleAssignments.create(groupScope("rg-agent"), randomUUID(), {
          roleDefinitionId: definition(roles.reader),
          principalId: randomUUID(),
        }),
      ),
    ).toMatchObject({ statusCode: 400, code: "PrincipalNotFound" });
    expect(await failure(grant(identity, randomUUID(), groupScope("rg-agent")))).toMatchObject({
      statusCode: 400,
      code: "RoleDefinitionDoesNotExist",
    });
    expect(await failure(grant(identity, roles.reader, groupScope("rg-missing")))).toMatchObject({
      statusCode: 404,
      code: "ResourceGroupNotFound",
    });
    expect(await failure(grant(identity, roles.reader, groupScope("rg-agent"), "not-a-guid"))).toMatchObject({
      statusCode: 400,
      code: "InvalidRoleAssignmentId",
    });
  });

  it("confines a Storage Account Contributor to storage in its own group", async () => {
    const identity = await provisionIdentity(graph, "agent-storage");
    await grant(identity, roles.storageAccountContributor, groupScope("rg-agent"));
    const agent = armAs(identity);

    const account = await agent.resources.createOrUpdateById(
      accountId("rg-agent", "agentacct"),
      storageApi,
      { location: "westeurope" },
      fast,
    );
    expect(account.name).toBe("agentacct");
    const keys = await fetchAs(
      identity,
      "POST",
      `${accountId("rg-agent", "agentacct")}/listKeys?api-version=${storageApi}`,
    );
    expect(keys.status).toBe(200);
    expect((await agent.resourceGroups.get("rg-agent")).name).toBe("rg-agent");

    const network = await failure(
      agent.resources.createOrUpdateById(
        `${groupScope("rg-agent")}/providers/Microsoft.Network/networkSecurityGroups/nsg1`,
        "2023-09-01",
        { location: "westeurope" },
        fast,
      ),
    );
    expect(network).toMatchObject({ statusCode: 403, code: "AuthorizationFailed" });
    expect(network.message).toContain("'Microsoft.Network/networkSecurityGroups/write'");
    expect(network.message).toContain(
      `'${groupScope("rg-agent")}/providers/Microsoft.Network/networkSecurityGroups/nsg1'`,
    );
    expect(network.message).toContain(identity.appId);

    expect(
      await failure(
        agent.resources.createOrUpdateById(
          accountId("rg-other", "elsewhere"),
          storageApi,
          { location: "westeurope" },
          fast,
        ),
      ),
    ).toMatchObject({ statusCode: 403 });
    // Deleting its own group is not a storage action.
    expect(await failure(agent.resourceGroups.delete("rg-agent", fast))).toMatchObject({ statusCode: 403 });
    // Nor may it grant itself more.
    const self = authorizationClient(cloud, credential(cloud, identity.appId, identity.secret));
    expect(
      await failure(
        self.roleAssignments.create(groupScope("rg-agent"), randomUUID(), {
          roleDefinitionId: definition(roles.owner),
          principalId: identity.principalId,
        }),
      ),
    ).toMatchObject({ statusCode: 403, code: "AuthorizationFailed" });
  });

  it("shows a group-scoped principal only what it may read in subscription-wide lists", async () => {
    const identity = await provisionIdentity(graph, "agent-lists");
    await grant(identity, roles.contributor, groupScope("rg-other"));
    const agent = armAs(identity);
    await agent.resources.createOrUpdateById(
      accountId("rg-other", "visible"),
      storageApi,
      { location: "westeurope" },
      fast,
    );
    const orchestrator = resourcesClient(cloud, credential(cloud, "orchestrator", "orchestrator-secret"));
    await orchestrator.resources.createOrUpdateById(
      accountId("rg-agent", "hidden"),
      storageApi,
      { location: "westeurope" },
      fast,
    );

    expect((await collect(agent.resourceGroups.list())).map((g) => g.name)).toEqual(["rg-other"]);
    const names = (await collect(agent.resources.list())).map((r) => r.name);
    expect(names).toContain("visible");
    expect(names).not.toContain("hidden");
  });

  it("honours notActions: a Contributor cannot assign roles, a User Access Administrator can", async () => {
    const target = await provisionIdentity(graph, "agent-target");
    const contributor = await provisionIdentity(graph, "agent-contributor");
    const accessAdmin = await provisionIdentity(graph, "agent-access-admin");
    await grant(contributor, roles.contributor, sub());
    await grant(accessAdmin, roles.userAccessAdministrator, groupScope("rg-agent"));

    const body = { roleDefinitionId: definition(roles.reader), principalId: target.principalId };
    const asContributor = authorizationClient(
      cloud,
      credential(cloud, contributor.appId, contributor.secret),
    );
    const refused = await failure(
      asContributor.roleAssignments.create(groupScope("rg-agent"), randomUUID(), body),
    );
    expect(refused).toMatchObject({ statusCode: 403, code: "AuthorizationFailed" });
    expect(refused.message).toContain("'Microsoft.Authorization/roleAssignments/write'");
    // Contributor's "*" still covers everything else, e.g. a network resource.
    await armAs(contributor).resources.createOrUpdateById(
      `${groupScope("rg-agent")}/providers/Microsoft.Network/virtualNetworks/vnet1`,
      "2023-09-01",
      { location: "westeurope" },
      fast,
    );

    const asAdmin = authorizationClient(cloud, credential(cloud, accessAdmin.appId, accessAdmin.secret));
    await expect(
      asAdmin.roleAssignments.create(groupScope("rg-agent"), randomUUID(), body),
    ).resolves.toMatchObject({
      principalId: target.principalId,
    });
    // ...but only at scopes its own assignment covers.
    expect(
      await failure(asAdmin.roleAssignments.create(groupScope("rg-other"), randomUUID(), body)),
    ).toMatchObject({
      statusCode: 403,
    });
    // A Reader reads everything and writes nothing.
    await grant(target, roles.reader, sub());
    const reader = armAs(target);
    expect((await reader.resourceGroups.get("rg-other")).name).toBe("rg-other");
    expect(
      await failure(reader.resourceGroups.createOrUpdate("rg-reader", { location: "westeurope" })),
    ).toMatchObject({
      statusCode: 403,
    });
  });

  it("drops assignments scoped to a deleted group, and a deleted service principal loses its access", async () => {
    const identity = await provisionIdentity(graph, "agent-doomed");
    const name = randomUUID();
    await grant(identity, roles.contributor, groupScope("rg-doomed"), name);
    const agent = armAs(identity);
    await agent.resources.createOrUpdateById(
      accountId("rg-doomed", "doomedacct"),
      storageApi,
      { location: "westeurope" },
      fast,
    );

    await graph.api(`/servicePrincipals/${identity.principalId}`).delete();
    expect(
      await failure(agent.resources.getById(accountId("rg-doomed", "doomedacct"), storageApi)),
    ).toMatchObject({
      statusCode: 401,
    });
    // A new service principal for the same application is a new principal, with none of the old grants.
    const sp = await graph.api("/servicePrincipals").post({ appId: identity.appId });
    const reborn = armAs({ ...identity, principalId: sp.id });
    expect(
      await failure(reborn.resources.getById(accountId("rg-doomed", "doomedacct"), storageApi)),
    ).toMatchObject({
      statusCode: 403,
    });

    const orchestrator = resourcesClient(cloud, credential(cloud, "orchestrator", "orchestrator-secret"));
    await orchestrator.resourceGroups.delete("rg-doomed", fast);
    expect(await failure(admin.roleAssignments.get(groupScope("rg-doomed"), name))).toMatchObject({
      statusCode: 404,
    });
  });
});

async function fetchAs(identity: TestIdentity, method: string, path: string): Promise<Response> {
  const token = await credential(cloud, identity.appId, identity.secret).getToken(
    "https://management.azure.com/.default",
  );
  return fetch(`${cloud.url}${path}`, { method, headers: { authorization: `Bearer ${token.token}` } });
}
