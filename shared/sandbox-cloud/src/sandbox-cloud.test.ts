import { MonitorClient } from "@azure/arm-monitor";
import { ResourceManagementClient } from "@azure/arm-resources";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type SandboxCloud,
  SandboxCredential,
  sandboxArmClientOptions,
  startSandboxCloud,
  useSandboxAuthentication,
} from "./index.ts";
import { firstResponse } from "./test-support/clients.ts";

const subscriptionId = "00000000-0000-0000-0000-000000000001";
const tenantId = "11111111-1111-1111-1111-111111111111";
const storageApi = "2023-05-01";
// Skip the SDK's default polling interval; the sandbox finishes every operation at once.
const fast = { updateIntervalInMs: 0 };

let cloud: SandboxCloud;
let client: ResourceManagementClient;

function credential(clientId: string, clientSecret: string): SandboxCredential {
  return new SandboxCredential({ authorityHost: cloud.url, tenantId, clientId, clientSecret });
}

function armClient(clientId: string, clientSecret: string): ResourceManagementClient {
  const cred = credential(clientId, clientSecret);
  return useSandboxAuthentication(
    new ResourceManagementClient(cred, subscriptionId, sandboxArmClientOptions(cloud.url)),
    cred,
  );
}

beforeAll(async () => {
  cloud = await startSandboxCloud({ port: 0, tenantId, subscriptionId });
  cloud.registerPrincipal({
    clientId: "admin-app",
    secret: "s3cret",
    subscriptionScopes: [`/subscriptions/${subscriptionId}`],
  });
  client = armClient("admin-app", "s3cret");
});

afterAll(async () => {
  await cloud.close();
});

const accountId = (group: string, name: string) =>
  `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/Microsoft.Storage/storageAccounts/${name}`;

describe("sandbox cloud with the real ARM SDK", () => {
  it("serves the ARM surface only on loopback http", () => {
    expect(cloud.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("creates, reads, patches and deletes a storage account and a nested container by id", async () => {
    await client.resourceGroups.createOrUpdate("rg-crud", { location: "westeurope" });
    const id = accountId("rg-crud", "acct1");
    const created = await client.resources.createOrUpdateById(
      id,
      storageApi,
      {
        location: "westeurope",
        kind: "StorageV2",
        sku: { name: "Standard_LRS" },
        tags: { team: "a" },
        properties: { minimumTlsVersion: "TLS1_2" },
      },
      fast,
    );
    expect(created).toMatchObject({
      id,
      name: "acct1",
      type: "Microsoft.Storage/storageAccounts",
      location: "westeurope",
      kind: "StorageV2",
    });
    expect(created.properties).toMatchObject({ minimumTlsVersion: "TLS1_2", provisioningState: "Succeeded" });

    const containerId = `${id}/blobServices/default/containers/reports`;
    const container = await client.resources.createOrUpdateById(
      containerId,
      storageApi,
      { properties: { publicAccess: "None" } },
      fast,
    );
    expect(container).toMatchObject({
      id: containerId,
      name: "reports",
      type: "Microsoft.Storage/storageAccounts/blobServices/containers",
    });

    const patched = await client.resources.updateById(
      id,
      storageApi,
      { tags: { env: "dev" }, properties: { allowBlobPublicAccess: false } },
      fast,
    );
    expect(patched.tags).toEqual({ team: "a", env: "dev" });
    expect(patched.properties).toMatchObject({ minimumTlsVersion: "TLS1_2", allowBlobPublicAccess: false });
    expect((await client.resources.getById(id, storageApi)).tags).toEqual({ team: "a", env: "dev" });

    await client.resources.deleteById(id, storageApi, fast);
    await expect(client.resources.getById(id, storageApi)).rejects.toMatchObject({ statusCode: 404 });
    // The container went with its account.
    await expect(client.resources.getById(containerId, storageApi)).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it("works through the per-segment generic calls and 404s actions and nested PUTs without a parent", async () => {
    await client.resourceGroups.createOrUpdate("rg-generic", { location: "westeurope" });
    await client.resources.createOrUpdate(
      "rg-generic",
      "Microsoft.Network",
      "",
      "networkSecurityGroups",
      "nsg1",
      "2023-09-01",
      { location: "westeurope" },
      fast,
    );
    const rule = await client.resources.createOrUpdate(
      "rg-generic",
      "Microsoft.Network",
      "networkSecurityGroups/nsg1",
      "securityRules",
      "allow-https",
      "2023-09-01",
      { properties: { priority: 100 } },
      fast,
    );
    expect(rule.type).toBe("Microsoft.Network/networkSecurityGroups/securityRules");
    const exists = await client.resources.checkExistence(
      "rg-generic",
      "Microsoft.Network",
      "",
      "networkSecurityGroups",
      "nsg1",
      "2023-09-01",
    );
    expect(exists.body).toBe(true);

    const missing = accountId("rg-generic", "not-there");
    const action = await fetchArm("POST", `${missing}/regenerateKey?api-version=${storageApi}`, {
      keyName: "key1",
    });
    expect(action.status).toBe(404);
    const orphan = await fetchArm(
      "PUT",
      `${missing}/blobServices/default/containers/c?api-version=${storageApi}`,
      {},
    );
    expect(await orphan.json()).toMatchObject({ error: { code: "ParentResourceNotFound" } });
  });

  it("deletes a resource group and everything in it through the SDK poller", async () => {
    await client.resourceGroups.createOrUpdate("rg-doomed", { location: "westeurope" });
    await client.resources.createOrUpdateById(
      accountId("rg-doomed", "acct2"),
      storageApi,
      { location: "westeurope" },
      fast,
    );
    await client.resources.createOrUpdateById(
      `${accountId("rg-doomed", "acct2")}/fileServices/default/shares/s1`,
      storageApi,
      {},
      fast,
    );

    const raw = await fetchArm(
      "HEAD",
      `/subscriptions/${subscriptionId}/resourcegroups/rg-doomed?api-version=2021-04-01`,
    );
    expect(raw.status).toBe(204);
    await client.resourceGroups.delete("rg-doomed", fast);

    expect((await client.resourceGroups.checkExistence("rg-doomed")).body).toBe(false);
    await expect(client.resources.getById(accountId("rg-doomed", "acct2"), storageApi)).rejects.toMatchObject(
      { statusCode: 404 },
    );
    const everywhere = await collect(client.resources.list());
    expect(everywhere.some((r) => r.id?.toLowerCase().includes("/rg-doomed/"))).toBe(false);
  });

  it("lists by tag in a group and across the subscription", async () => {
    await client.resourceGroups.createOrUpdate("rg-tags", {
      location: "westeurope",
      tags: { "haymaker-run": "r1" },
    });
    await client.resources.createOrUpdateById(
      accountId("rg-tags", "tagged1"),
      storageApi,
      { location: "westeurope", tags: { "haymaker-run": "r1" } },
      fast,
    );
    await client.resources.createOrUpdateById(
      accountId("rg-tags", "tagged2"),
      storageApi,
      { location: "westeurope", tags: { "haymaker-run": "r2" } },
      fast,
    );
    await client.resources.createOrUpdateById(
      accountId("rg-tags", "untagged"),
      storageApi,
      { location: "westeurope" },
      fast,
    );

    const filter = "tagName eq 'haymaker-run' and tagValue eq 'r1'";
    const inGroup = await collect(client.resources.listByResourceGroup("rg-tags", { filter }));
    expect(inGroup.map((r) => r.name)).toEqual(["tagged1"]);
    const inSubscription = await collect(client.resources.list({ filter: "tagName eq 'HAYMAKER-RUN'" }));
    expect(inSubscription.map((r) => r.name).sort()).toEqual(["tagged1", "tagged2"]);
    const groups = await collect(client.resourceGroups.list({ filter }));
    expect(groups.map((g) => g.name)).toEqual(["rg-tags"]);
  });

  it("answers a create with 201 and an Azure-AsyncOperation the SDK can poll, a replace with 200", async () => {
    await client.resourceGroups.createOrUpdate("rg-lro", { location: "westeurope" });
    const path = `/subscriptions/${subscriptionId}/resourceGroups/rg-lro/providers/Microsoft.Network/networkSecurityGroups/lro1?api-version=2023-09-01`;
    const created = await fetchArm("PUT", path, { location: "westeurope" });
    expect(created.status).toBe(201);
    const status = await fetchArm(
      "GET",
      `${new URL(created.headers.get("azure-asyncoperation") ?? "").pathname}?api-version=2021-04-01`,
    );
    expect(await status.json()).toMatchObject({ status: "Succeeded" });
    expect((await fetchArm("PUT", path, { location: "westeurope" })).status).toBe(200);
  });

  it("answers a storage account create as Azure Storage does: 202 with a Location, 200 once it exists", async () => {
    await client.resourceGroups.createOrUpdate("rg-storage-lro", { location: "westeurope" });
    const id = accountId("rg-storage-lro", "accepted1");
    const body = { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" } };
    const accepted = await fetchArm("PUT", `${id}?api-version=${storageApi}`, body);
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get("azure-asyncoperation")).toBeNull();
    const location = new URL(accepted.headers.get("location") ?? "");
    const result = await fetchArm("GET", `${location.pathname}${location.search}`);
    expect(result.status).toBe(200);
    expect(await result.json()).toMatchObject({ id, name: "accepted1", kind: "StorageV2" });
    expect((await fetchArm("PUT", `${id}?api-version=${storageApi}`, body)).status).toBe(200);

    // The SDK's poller follows the Location to the account, and reports the 202 it started from.
    const first = firstResponse();
    const viaSdk = await client.resources.beginCreateOrUpdateByIdAndWait(
      accountId("rg-storage-lro", "accepted2"),
      storageApi,
      body,
      { ...fast, onResponse: first.onResponse },
    );
    expect(first.status).toBe(202);
    expect(viaSdk).toMatchObject({ name: "accepted2", properties: { provisioningState: "Succeeded" } });
  });

  it("answers 404 with the ARM error envelope", async () => {
    await client.resourceGroups.createOrUpdate("rg-404", { location: "westeurope" });
    const error = await client.resources
      .getById(accountId("rg-404", "missing"), storageApi)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
    const raw = await fetchArm("GET", `${accountId("rg-404", "missing")}?api-version=${storageApi}`);
    const body = (await raw.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("ResourceNotFound");
    expect(body.error.message).toContain("missing");
    await expect(client.resourceGroups.get("rg-nowhere")).rejects.toMatchObject({
      statusCode: 404,
      code: "ResourceGroupNotFound",
    });
  });

  it("requires api-version", async () => {
    const raw = await fetchArm("GET", `/subscriptions/${subscriptionId}/resourcegroups`);
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ error: { code: "MissingApiVersionParameter" } });
  });

  it("refuses a bad secret at the token endpoint and a missing or bogus token at ARM", async () => {
    const wrong = armClient("admin-app", "nope");
    await expect(wrong.resourceGroups.get("rg-crud")).rejects.toThrow(/invalid_client/);

    const none = await fetch(
      `${cloud.url}/subscriptions/${subscriptionId}/resourcegroups?api-version=2021-04-01`,
    );
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: "AuthenticationFailed" } });
    const bogus = await fetch(
      `${cloud.url}/subscriptions/${subscriptionId}/resourcegroups?api-version=2021-04-01`,
      {
        headers: { authorization: "Bearer not-a-token" },
      },
    );
    expect(bogus.status).toBe(401);
    expect(await bogus.json()).toMatchObject({
      error: { code: "InvalidAuthenticationToken", message: expect.any(String) },
    });
  });

  it("forbids a group-scoped principal outside its group", async () => {
    await client.resourceGroups.createOrUpdate("rg-agent", { location: "westeurope" });
    cloud.registerPrincipal({
      clientId: "agent-app",
      secret: "a",
      subscriptionScopes: [`/subscriptions/${subscriptionId}/resourceGroups/rg-agent`],
    });
    const agent = armClient("agent-app", "a");
    await agent.resources.createOrUpdateById(
      accountId("rg-agent", "mine"),
      storageApi,
      { location: "westeurope" },
      fast,
    );
    await expect(
      agent.resources.createOrUpdateById(
        accountId("rg-crud", "theirs"),
        storageApi,
        { location: "westeurope" },
        fast,
      ),
    ).rejects.toMatchObject({ statusCode: 403, code: "AuthorizationFailed" });
    // Deleting its own group still works: the poll URL is not scope-checked.
    await agent.resourceGroups.delete("rg-agent", fast);
  });

  it("records calls in the Activity Log, attributed to the caller", async () => {
    const start = new Date(Date.now() - 1000);
    cloud.registerPrincipal({
      clientId: "logger-app",
      secret: "l",
      subscriptionScopes: [`/subscriptions/${subscriptionId}`],
    });
    const logger = armClient("logger-app", "l");
    await logger.resourceGroups.createOrUpdate("rg-audit", { location: "westeurope" });
    await logger.resources.createOrUpdateById(
      accountId("rg-audit", "audited"),
      storageApi,
      { location: "westeurope" },
      fast,
    );
    const listKeys = await fetchArm(
      "POST",
      `${accountId("rg-audit", "audited")}/listKeys?api-version=${storageApi}`,
    );
    expect(listKeys.status).toBe(200);
    expect(await listKeys.json()).toEqual({});
    await logger.resources.deleteById(accountId("rg-audit", "audited"), storageApi, fast);

    const adminCredential = credential("admin-app", "s3cret");
    const monitor = useSandboxAuthentication(
      new MonitorClient(adminCredential, subscriptionId, sandboxArmClientOptions(cloud.url)),
      adminCredential,
    );
    const filter = `eventTimestamp ge '${start.toISOString()}' and eventTimestamp le '${new Date(Date.now() + 1000).toISOString()}' and resourceGroupName eq 'rg-audit'`;
    const events = await collect(monitor.activityLogs.list(filter));
    const byLogger = events
      .filter((e) => e.caller === "logger-app")
      .map((e) => [e.operationName?.value, e.status?.value]);
    expect(byLogger).toEqual(
      expect.arrayContaining([
        ["Microsoft.Resources/subscriptions/resourceGroups/write", "Succeeded"],
        // A storage account create is long-running (202); the Activity Log records its start.
        ["Microsoft.Storage/storageAccounts/write", "Accepted"],
        ["Microsoft.Storage/storageAccounts/delete", "Succeeded"],
      ]),
    );
    const action = events.find(
      (e) => e.operationName?.value === "Microsoft.Storage/storageAccounts/listKeys/action",
    );
    expect(action).toMatchObject({
      caller: "admin-app",
      resourceId: accountId("rg-audit", "audited"),
      status: { value: "Succeeded" },
    });
    expect(events.every((e) => e.eventTimestamp instanceof Date && e.resourceGroupName === "rg-audit")).toBe(
      true,
    );

    await expect(collect(monitor.activityLogs.list("resourceGroupName eq 'rg-audit'"))).rejects.toMatchObject(
      { statusCode: 400 },
    );
  });
});

async function fetchArm(method: string, path: string, body?: unknown): Promise<Response> {
  const token = await credential("admin-app", "s3cret").getToken("https://management.azure.com/.default");
  return fetch(`${cloud.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
