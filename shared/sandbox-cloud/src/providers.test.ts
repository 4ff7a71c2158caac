import type { ResourceManagementClient } from "@azure/arm-resources";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SandboxCloud, startSandboxCloud } from "./index.ts";
import { collect, credential, failure, resourcesClient } from "./test-support/clients.ts";

const fast = { updateIntervalInMs: 0 };
let cloud: SandboxCloud;
let arm: ResourceManagementClient;

beforeAll(async () => {
  cloud = await startSandboxCloud();
  cloud.registerPrincipal({
    clientId: "orchestrator",
    secret: "orchestrator-secret",
    subscriptionScopes: [`/subscriptions/${cloud.subscriptionId}`],
  });
  arm = resourcesClient(cloud, credential(cloud, "orchestrator", "orchestrator-secret"));
  await arm.resourceGroups.createOrUpdate("rg-providers", { location: "westeurope" });
});

afterAll(async () => {
  await cloud.close();
});

const account = (name: string) =>
  `/subscriptions/${cloud.subscriptionId}/resourceGroups/rg-providers/providers/Microsoft.Storage/storageAccounts/${name}`;

describe("resource providers", () => {
  it("lists every type created in a namespace with its api-versions newest first", async () => {
    await arm.resources.createOrUpdateById(account("old"), "2022-09-01", { location: "westeurope" }, fast);
    await arm.resources.createOrUpdateById(account("new"), "2023-05-01", { location: "northeurope" }, fast);
    await arm.resources.createOrUpdateById(account("new2"), "2023-05-01", { location: "westeurope" }, fast);
    await arm.resources.createOrUpdateById(
      `${account("new")}/blobServices/default/containers/c1`,
      "2023-01-01",
      {},
      fast,
    );

    const storage = await arm.providers.get("microsoft.storage");
    expect(storage).toMatchObject({
      id: `/subscriptions/${cloud.subscriptionId}/providers/Microsoft.Storage`,
      namespace: "Microsoft.Storage",
      registrationState: "Registered",
    });
    const types = Object.fromEntries((storage.resourceTypes ?? []).map((t) => [t.resourceType, t]));
    expect(types.storageAccounts).toMatchObject({
      apiVersions: ["2023-05-01", "2022-09-01"],
      locations: ["westeurope", "northeurope"],
    });
    expect(types["storageAccounts/blobServices/containers"]?.apiVersions).toEqual(["2023-01-01"]);

    const resources = await arm.providers.get("Microsoft.Resources");
    expect(resources.resourceTypes?.map((t) => t.resourceType)).toContain("resourceGroups");
  });

  it("answers an unknown namespace as ARM does, until it is registered", async () => {
    expect(await failure(arm.providers.get("Microsoft.Nowhere"))).toMatchObject({
      statusCode: 404,
      code: "InvalidResourceNamespace",
    });
    await arm.providers.register("Microsoft.EventGrid");
    expect(await arm.providers.get("Microsoft.EventGrid")).toMatchObject({
      namespace: "Microsoft.EventGrid",
      registrationState: "Registered",
      resourceTypes: [],
    });
    const all = await collect(arm.providers.list());
    expect(all.map((p) => p.namespace)).toEqual(
      expect.arrayContaining(["Microsoft.EventGrid", "Microsoft.Resources", "Microsoft.Storage"]),
    );
  });
});
