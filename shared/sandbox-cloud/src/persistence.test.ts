import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, expect, it } from "vitest";
import { SandboxCredential, startSandboxCloud } from "./index.ts";
import { credential, resourcesClient } from "./test-support/clients.ts";

const directories: string[] = [];
afterEach(() => {
  for (const dir of directories.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), "sandbox-cloud-"));
  directories.push(dir);
  return dir;
}

async function token(url: string, tenantId: string): Promise<string> {
  const credential = new SandboxCredential({
    authorityHost: url,
    tenantId,
    clientId: "app",
    clientSecret: "x",
  });
  return (await credential.getToken("https://management.azure.com/.default")).token;
}

it("keeps its generated tenant and subscription, principals and resources across restarts", async () => {
  const dir = dataDirectory();
  const first = await startSandboxCloud({ port: 0, dataDirectory: dir });
  const { tenantId, subscriptionId } = first;
  expect(tenantId).toMatch(/^[0-9a-f-]{36}$/);
  expect(subscriptionId).toMatch(/^[0-9a-f-]{36}$/);
  expect(subscriptionId).not.toBe(tenantId);
  const group = `/subscriptions/${subscriptionId}/resourceGroups/kept`;
  first.registerPrincipal({
    clientId: "app",
    secret: "x",
    subscriptionScopes: [`/subscriptions/${subscriptionId}`],
  });
  const put = await fetch(`${first.url}${group}?api-version=2021-04-01`, {
    method: "PUT",
    headers: {
      authorization: `Bearer ${await token(first.url, tenantId)}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ location: "westeurope" }),
  });
  expect(put.status).toBe(201);
  await first.close();

  const second = await startSandboxCloud({ port: 0, dataDirectory: dir });
  expect({ tenantId: second.tenantId, subscriptionId: second.subscriptionId }).toEqual({
    tenantId,
    subscriptionId,
  });
  const get = await fetch(`${second.url}${group}?api-version=2021-04-01`, {
    headers: { authorization: `Bearer ${await token(second.url, tenantId)}` },
  });
  expect(get.status).toBe(200);
  expect(await get.json()).toMatchObject({ name: "kept", location: "westeurope" });
  await second.close();
});

it("refuses to reopen a data directory as a different subscription", async () => {
  const dir = dataDirectory();
  const first = await startSandboxCloud({ port: 0, dataDirectory: dir });
  await first.close();
  await expect(
    startSandboxCloud({
      port: 0,
      dataDirectory: dir,
      subscriptionId: "00000000-0000-0000-0000-00000000abcd",
    }),
  ).rejects.toThrow(/belongs to subscriptionId/);
  const again = await startSandboxCloud({
    port: 0,
    dataDirectory: dir,
    subscriptionId: first.subscriptionId,
  });
  expect(again.tenantId).toBe(first.tenantId);
  await again.close();
});

it("upgrades a data directory whose operations table predates operation results", async () => {
  const dir = dataDirectory();
  const old = new DatabaseSync(join(dir, "sandbox-cloud.sqlite"));
  old.exec("CREATE TABLE operations (id TEXT PRIMARY KEY, status TEXT NOT NULL);");
  old.close();
  const cloud = await startSandboxCloud({ port: 0, dataDirectory: dir });
  cloud.registerPrincipal({
    clientId: "app",
    secret: "x",
    subscriptionScopes: [`/subscriptions/${cloud.subscriptionId}`],
  });
  const arm = resourcesClient(cloud, credential(cloud, "app", "x"));
  await arm.resourceGroups.createOrUpdate("rg-upgraded", { location: "westeurope" });
  const account = await arm.resources.beginCreateOrUpdateByIdAndWait(
    `/subscriptions/${cloud.subscriptionId}/resourceGroups/rg-upgraded/providers/Microsoft.Storage/storageAccounts/stupgraded`,
    "2023-05-01",
    { location: "westeurope" },
    { updateIntervalInMs: 0 },
  );
  expect(account.name).toBe("stupgraded");
  await cloud.close();
});
