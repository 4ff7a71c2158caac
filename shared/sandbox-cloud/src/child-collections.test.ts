import type { ResourceManagementClient } from "@azure/arm-resources";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SandboxCloud, startSandboxCloud } from "./index.ts";
import {
  collect,
  credential,
  monitorClient,
  resourcesClient,
  sendThroughPipeline,
} from "./test-support/clients.ts";

const subscriptionId = "00000000-0000-0000-0000-00000000c41d";
const group = `/subscriptions/${subscriptionId}/resourceGroups/rg-children`;
const networkApi = "2023-09-01";
const storageApi = "2023-05-01";
const fast = { updateIntervalInMs: 0 };
const start = new Date(Date.now() - 1000).toISOString();

const nsgId = (name: string) => `${group}/providers/Microsoft.Network/networkSecurityGroups/${name}`;
const account = `${group}/providers/Microsoft.Storage/storageAccounts/stchildren`;

let cloud: SandboxCloud;
let admin: ResourceManagementClient;

async function put(id: string, apiVersion: string, body: object) {
  return admin.resources.beginCreateOrUpdateByIdAndWait(id, apiVersion, body, fast);
}

const list = (path: string, apiVersion: string, client = admin) =>
  sendThroughPipeline(cloud, client, "GET", `${path}?api-version=${apiVersion}`);

const names = (body: unknown) => (body as { value: { name: string }[] }).value.map((r) => r.name);

beforeAll(async () => {
  cloud = await startSandboxCloud({ subscriptionId });
  cloud.registerPrincipal({
    clientId: "admin",
    secret: "admin-secret",
    subscriptionScopes: [`/subscriptions/${subscriptionId}`],
  });
  admin = resourcesClient(cloud, credential(cloud, "admin", "admin-secret"));
  await admin.resourceGroups.createOrUpdate("rg-children", { location: "westeurope" });
  for (const [nsg, rules] of [
    ["nsg1", ["allow-https", "allow-ssh-from-office"]],
    ["nsg2", ["deny-all"]],
  ] as const) {
    await put(nsgId(nsg), networkApi, { location: "westeurope" });
    for (const rule of rules) {
      await put(`${nsgId(nsg)}/securityRules/${rule}`, networkApi, { properties: { priority: 100 } });
    }
  }
});

afterAll(async () => {
  await cloud.close();
});

describe("listing a child collection", () => {
  it("answers a parent's children of that type, and nothing of its siblings or grandchildren", async () => {
    const rules = await list(`${nsgId("nsg1")}/securityRules`, networkApi);
    expect(rules.status).toBe(200);
    expect(names(rules.body)).toEqual(["allow-https", "allow-ssh-from-office"]);
    expect((rules.body as { value: unknown[] }).value[0]).toMatchObject({
      id: `${nsgId("nsg1")}/securityRules/allow-https`,
      type: "Microsoft.Network/networkSecurityGroups/securityRules",
      properties: { priority: 100 },
    });

    await put(account, storageApi, { location: "westeurope", kind: "StorageV2" });
    await put(`${account}/fileServices/default/shares/drawings`, storageApi, {});
    await put(`${account}/fileServices/default/shares/archive`, storageApi, {});
    await put(`${account}/blobServices/default/containers/manifests`, storageApi, {});
    expect(names((await list(`${account}/fileServices/default/shares`, storageApi)).body)).toEqual([
      "archive",
      "drawings",
    ]);
    // The account's blob service exists without being created; its containers are not listed with it.
    expect(names((await list(`${account}/blobServices`, storageApi)).body)).toEqual(["default"]);
    expect(names((await list(`${account}/blobServices/default/containers`, storageApi)).body)).toEqual([
      "manifests",
    ]);
  });

  it("lists a top-level type's resources in the group", async () => {
    const all = await list(`${group}/providers/Microsoft.Network/networkSecurityGroups`, networkApi);
    expect(names(all.body)).toEqual(["nsg1", "nsg2"]);
  });

  it("answers an empty list for a parent without children of that type", async () => {
    await put(`${group}/providers/Microsoft.ServiceBus/namespaces/sb-empty`, "2022-10-01-preview", {
      location: "westeurope",
    });
    const queues = await list(
      `${group}/providers/Microsoft.ServiceBus/namespaces/sb-empty/queues`,
      "2022-10-01-preview",
    );
    expect(queues).toEqual({ status: 200, body: { value: [] } });
  });

  it("answers 404 ParentResourceNotFound naming the missing parent, and ResourceGroupNotFound", async () => {
    const missing = await list(
      `${group}/providers/Microsoft.ContainerRegistry/registries/nowhere/webhooks`,
      "2023-07-01",
    );
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      error: {
        code: "ParentResourceNotFound",
        message: expect.stringContaining("Microsoft.ContainerRegistry/registries/nowhere"),
      },
    });
    const deep = await list(`${nsgId("nsg1")}/securityRules/not-there/children`, networkApi);
    expect(deep.body).toMatchObject({
      error: { message: expect.stringContaining("networkSecurityGroups/nsg1/securityRules/not-there") },
    });
    const noGroup = await list(
      `/subscriptions/${subscriptionId}/resourceGroups/rg-none/providers/Microsoft.Network/networkSecurityGroups/nsg1/securityRules`,
      networkApi,
    );
    expect(noGroup.body).toMatchObject({ error: { code: "ResourceGroupNotFound" } });
  });

  it("is authorized and logged as a read of the child type; POST on the same path stays an action", async () => {
    cloud.registerPrincipal({
      clientId: "elsewhere",
      secret: "elsewhere-secret",
      subscriptionScopes: [`/subscriptions/${subscriptionId}/resourceGroups/rg-other`],
    });
    const outsider = resourcesClient(cloud, credential(cloud, "elsewhere", "elsewhere-secret"));
    const refused = await list(`${nsgId("nsg1")}/securityRules`, networkApi, outsider);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      error: {
        code: "AuthorizationFailed",
        message: expect.stringContaining(
          `action 'Microsoft.Network/networkSecurityGroups/securityRules/read' over scope '${nsgId("nsg1")}/securityRules'`,
        ),
      },
    });

    const action = await sendThroughPipeline(
      cloud,
      admin,
      "POST",
      `${nsgId("nsg1")}/securityRules?api-version=${networkApi}`,
    );
    expect(action.status).toBe(200);

    const monitor = monitorClient(cloud, credential(cloud, "admin", "admin-secret"));
    const events = await collect(
      monitor.activityLogs.list(
        `eventTimestamp ge '${start}' and resourceUri eq '${nsgId("nsg1")}/securityRules'`,
      ),
    );
    expect(events.map((e) => [e.caller, e.operationName?.value, e.status?.value])).toEqual(
      expect.arrayContaining([
        ["admin", "Microsoft.Network/networkSecurityGroups/securityRules/read", "Succeeded"],
        ["elsewhere", "Microsoft.Network/networkSecurityGroups/securityRules/read", "Failed"],
      ]),
    );
    const actions = await collect(
      monitor.activityLogs.list(`eventTimestamp ge '${start}' and resourceUri eq '${nsgId("nsg1")}'`),
    );
    expect(actions.map((e) => e.operationName?.value)).toContain(
      "Microsoft.Network/networkSecurityGroups/securityRules/action",
    );
  });

  it("refuses other methods on a collection", async () => {
    const replace = await sendThroughPipeline(
      cloud,
      admin,
      "PUT",
      `${nsgId("nsg1")}/securityRules?api-version=${networkApi}`,
    );
    expect(replace.status).toBe(405);
  });
});
