import type { GenericResource, ResourceManagementClient } from "@azure/arm-resources";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SandboxCloud, startSandboxCloud } from "./index.ts";
import {
  collect,
  credential,
  firstResponse,
  resourcesClient,
  sendThroughPipeline,
} from "./test-support/clients.ts";

const subscriptionId = "00000000-0000-0000-0000-0000000001c0";
const group = `/subscriptions/${subscriptionId}/resourceGroups/rg-implicit`;
const fast = { updateIntervalInMs: 0 };
const providers = `${group}/providers`;

let cloud: SandboxCloud;
let admin: ResourceManagementClient;

beforeAll(async () => {
  cloud = await startSandboxCloud({ subscriptionId });
  cloud.registerPrincipal({
    clientId: "admin",
    secret: "admin-secret",
    subscriptionScopes: [`/subscriptions/${subscriptionId}`],
  });
  admin = resourcesClient(cloud, credential(cloud, "admin", "admin-secret"));
  await admin.resourceGroups.createOrUpdate("rg-implicit", { location: "westeurope" });
});

afterAll(async () => {
  await cloud.close();
});

const get = (id: string, apiVersion: string) => admin.resources.getById(id, apiVersion);
const put = (id: string, apiVersion: string, body: GenericResource) =>
  admin.resources.beginCreateOrUpdateByIdAndWait(id, apiVersion, body, fast);
const patch = (id: string, apiVersion: string, body: GenericResource) =>
  admin.resources.beginUpdateByIdAndWait(id, apiVersion, body, fast);

describe("children Azure creates with their parent", () => {
  it("serves a web app's config/web from its creation, following the site's siteConfig", async () => {
    const api = "2023-12-01";
    const site = `${providers}/Microsoft.Web/sites/booking`;
    await expect(get(`${site}/config/web`, api)).rejects.toMatchObject({ statusCode: 404 });
    await put(site, api, {
      location: "westeurope",
      properties: { siteConfig: { linuxFxVersion: "NODE|20-lts", alwaysOn: false } },
    });

    const config = await get(`${site}/config/web`, api);
    expect(config).toMatchObject({
      id: `${site}/config/web`,
      name: "web",
      type: "Microsoft.Web/sites/config",
      properties: { linuxFxVersion: "NODE|20-lts", alwaysOn: false, minTlsVersion: "1.2" },
    });
    await patch(`${site}/config/web`, api, { properties: { http20Enabled: true } });
    expect((await get(`${site}/config/web`, api)).properties).toMatchObject({
      http20Enabled: true,
      linuxFxVersion: "NODE|20-lts",
    });
    // Only the names Azure creates are implicit.
    await expect(get(`${site}/config/appsettings`, api)).rejects.toMatchObject({ statusCode: 404 });
  });

  it("reads and replaces Cosmos DB throughput without creating its settings first", async () => {
    const api = "2024-11-15";
    const account = `${providers}/Microsoft.DocumentDB/databaseAccounts/cosmos-claims`;
    const database = `${account}/sqlDatabases/claims`;
    const container = `${database}/containers/open-claims`;
    await put(account, api, { location: "westeurope", kind: "GlobalDocumentDB" });
    await put(database, api, { properties: { resource: { id: "claims" } } });
    await put(container, api, {
      properties: { resource: { id: "open-claims" }, options: { throughput: 500 } },
    });

    expect(await get(`${container}/throughputSettings/default`, api)).toMatchObject({
      name: "default",
      type: "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/throughputSettings",
      properties: { resource: { throughput: 500 } },
    });
    expect((await get(`${database}/throughputSettings/default`, api)).properties).toMatchObject({
      resource: { throughput: 400 },
    });

    const first = firstResponse();
    await admin.resources.beginCreateOrUpdateByIdAndWait(
      `${container}/throughputSettings/default`,
      api,
      { properties: { resource: { throughput: 800 } } },
      { ...fast, onResponse: first.onResponse },
    );
    // It already existed, so the PUT replaces it (200) rather than creating it (201).
    expect(first.status).toBe(200);
    expect((await get(`${container}/throughputSettings/default`, api)).properties).toMatchObject({
      resource: { throughput: 800 },
    });
  });

  it("lists, patches and reads a workspace's built-in tables", async () => {
    const api = "2023-09-01";
    const workspace = `${providers}/Microsoft.OperationalInsights/workspaces/log-plant`;
    await put(workspace, api, { location: "westeurope", properties: { retentionInDays: 60 } });

    const listed = await sendThroughPipeline(cloud, admin, "GET", `${workspace}/tables?api-version=${api}`);
    const tables = (listed.body as { value: GenericResource[] }).value;
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(["AzureActivity", "Heartbeat", "Usage"]),
    );
    expect(tables.every((t) => t.properties?.retentionInDays === 60)).toBe(true);

    // Names are case-insensitive; the table keeps Azure's spelling.
    await patch(`${workspace}/tables/usage`, api, { properties: { totalRetentionInDays: 365 } });
    expect(await get(`${workspace}/tables/Usage`, api)).toMatchObject({
      name: "Usage",
      id: `${workspace}/tables/Usage`,
      properties: { retentionInDays: 60, totalRetentionInDays: 365 },
    });
    const again = await sendThroughPipeline(cloud, admin, "GET", `${workspace}/tables?api-version=${api}`);
    const usage = (again.body as { value: GenericResource[] }).value.filter((t) => t.name === "Usage");
    expect(usage).toMatchObject([{ properties: { totalRetentionInDays: 365 } }]);
    await expect(get(`${workspace}/tables/Custom_CL`, api)).rejects.toMatchObject({ statusCode: 404 });
  });

  it("serves a storage account's blob, file, queue and table services", async () => {
    const api = "2023-05-01";
    const account = `${providers}/Microsoft.Storage/storageAccounts/stimplicit`;
    await put(account, api, { location: "westeurope", kind: "StorageV2" });
    for (const service of ["blobServices", "fileServices", "queueServices", "tableServices"]) {
      expect(await get(`${account}/${service}/default`, api)).toMatchObject({
        name: "default",
        type: `Microsoft.Storage/storageAccounts/${service}`,
        properties: { cors: { corsRules: [] } },
      });
    }
    expect((await get(`${account}/fileServices/default`, api)).properties).toMatchObject({
      shareDeleteRetentionPolicy: { enabled: true, days: 7 },
    });
    await put(`${account}/fileServices/default`, api, {
      properties: { shareDeleteRetentionPolicy: { enabled: true, days: 14 } },
    });
    expect((await get(`${account}/fileServices/default`, api)).properties).toMatchObject({
      shareDeleteRetentionPolicy: { days: 14 },
    });
  });

  it("goes with its parent, stored changes included, and is never listed as tagged", async () => {
    const api = "2023-05-01";
    const account = `${providers}/Microsoft.Storage/storageAccounts/stdoomed`;
    const tags = { "haymaker-run": "run-implicit" };
    await put(account, api, { location: "westeurope", tags });
    const settings = await put(`${account}/blobServices/default`, api, {
      tags,
      properties: { deleteRetentionPolicy: { enabled: true, days: 7 } },
    });
    expect(settings.tags).toBeUndefined();
    const tagged = await collect(admin.resources.list({ filter: "tagName eq 'haymaker-run'" }));
    expect(tagged.map((r) => r.id)).toEqual([account]);

    await admin.resources.beginDeleteByIdAndWait(account, api, fast);
    await expect(get(`${account}/blobServices/default`, api)).rejects.toMatchObject({ statusCode: 404 });
    // A new account of the same name starts from the defaults again.
    await put(account, api, { location: "westeurope" });
    expect((await get(`${account}/blobServices/default`, api)).properties).toMatchObject({
      deleteRetentionPolicy: { enabled: false },
    });
  });

  it("lets nested PUTs through an implicit parent and refuses them without one", async () => {
    const api = "2023-05-01";
    const account = `${providers}/Microsoft.Storage/storageAccounts/stnested`;
    await put(account, api, { location: "westeurope" });
    await put(`${account}/blobServices/default/containers/reports`, api, {});
    await expect(put(`${account}/blobServices/other/containers/reports`, api, {})).rejects.toMatchObject({
      statusCode: 404,
      code: "ParentResourceNotFound",
    });
  });
});
