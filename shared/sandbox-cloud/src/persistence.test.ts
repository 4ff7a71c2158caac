import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { SandboxCredential, startSandboxCloud } from "./index.ts";

const directories: string[] = [];
afterEach(() => {
  for (const dir of directories.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it("keeps principals and resources across restarts when given a data directory", async () => {
  const dataDirectory = mkdtempSync(join(tmpdir(), "sandbox-cloud-"));
  directories.push(dataDirectory);
  const group = "/subscriptions/s1/resourceGroups/kept";

  const first = await startSandboxCloud({ port: 0, dataDirectory });
  first.registerPrincipal({ clientId: "app", secret: "x", subscriptionScopes: ["/subscriptions/s1"] });
  const firstToken = await new SandboxCredential({
    authorityHost: first.url,
    tenantId: "t",
    clientId: "app",
    clientSecret: "x",
  }).getToken("https://management.azure.com/.default");
  const put = await fetch(`${first.url}${group}?api-version=2021-04-01`, {
    method: "PUT",
    headers: { authorization: `Bearer ${firstToken.token}`, "content-type": "application/json" },
    body: JSON.stringify({ location: "westeurope" }),
  });
  expect(put.status).toBe(201);
  await first.close();

  const second = await startSandboxCloud({ port: 0, dataDirectory });
  const token = await new SandboxCredential({
    authorityHost: second.url,
    tenantId: "t",
    clientId: "app",
    clientSecret: "x",
  }).getToken("https://management.azure.com/.default");
  const get = await fetch(`${second.url}${group}?api-version=2021-04-01`, {
    headers: { authorization: `Bearer ${token.token}` },
  });
  expect(get.status).toBe(200);
  expect(await get.json()).toMatchObject({ name: "kept", location: "westeurope" });
  await second.close();
});
