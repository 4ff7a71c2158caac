import type { Client } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphScope, type SandboxCloud } from "./index.ts";
import { credential, failure, graphClient } from "./test-support/clients.ts";
import { startWithOrchestrator } from "./test-support/orchestrated-cloud.ts";

let cloud: SandboxCloud;
let graph: Client;

interface GraphApp {
  id: string;
  appId: string;
  displayName: string;
  tags: string[];
  passwordCredentials: Record<string, unknown>[];
}

beforeAll(async () => {
  const started = await startWithOrchestrator();
  cloud = started.cloud;
  graph = graphClient(cloud, started.orchestrator);
});

afterAll(async () => {
  await cloud.close();
});

describe("Microsoft Graph applications with the official Graph client", () => {
  it("creates an application and finds it by id, appId, displayName and appId filter", async () => {
    const created = (await graph
      .api("/applications")
      .post({ displayName: "haymaker-agent-a1", tags: ["haymaker-run:r1"], notes: "run r1" })) as GraphApp;
    expect(created).toMatchObject({
      displayName: "haymaker-agent-a1",
      tags: ["haymaker-run:r1"],
      passwordCredentials: [],
      createdDateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.appId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.appId).not.toBe(created.id);

    expect(await graph.api(`/applications/${created.id}`).get()).toMatchObject({ appId: created.appId });
    expect(await graph.api(`/applications(appId='${created.appId}')`).get()).toMatchObject({
      id: created.id,
    });
    const byName = await graph.api("/applications").filter("displayName eq 'HAYMAKER-agent-a1'").get();
    expect(byName["@odata.context"]).toContain("$metadata#applications");
    expect(byName.value.map((a: GraphApp) => a.id)).toEqual([created.id]);
    const byAppId = await graph.api("/applications").filter(`appId eq '${created.appId}'`).get();
    expect(byAppId.value).toHaveLength(1);
    const none = await graph.api("/applications").filter("displayName eq 'nobody'").get();
    expect(none.value).toEqual([]);
  });

  it("updates an application with PATCH and narrows objects with $select", async () => {
    const app = (await graph.api("/applications").post({ displayName: "to-rename" })) as GraphApp;
    await graph.api(`/applications/${app.id}`).patch({ displayName: "renamed", tags: ["t1"] });
    expect(await graph.api(`/applications/${app.id}`).select(["displayName", "tags"]).get()).toEqual({
      "@odata.context": expect.stringContaining("$metadata#applications/$entity"),
      displayName: "renamed",
      tags: ["t1"],
    });
    const listed = await graph.api("/applications").filter("displayName eq 'renamed'").select("appId").get();
    expect(listed.value).toEqual([{ appId: app.appId }]);
  });

  it("pages with $top and @odata.nextLink", async () => {
    for (const n of [1, 2, 3]) await graph.api("/applications").post({ displayName: `paged-${n}` });
    const first = await graph.api("/applications").filter("startswith(displayName,'paged-')").top(2).get();
    expect(first.value).toHaveLength(2);
    expect(first["@odata.nextLink"]).toMatch(/\$skiptoken=/);
    // The Graph client only strips https origins from a nextLink (PageIterator included), so against the
    // sandbox's http origin a caller follows the link by its path: what the README prescribes.
    const names: string[] = first.value.map((a: GraphApp) => a.displayName);
    let next: string | undefined = first["@odata.nextLink"];
    while (next !== undefined) {
      const link = new URL(next);
      const page = await graph.api(`${link.pathname.replace(/^\/v1\.0/, "")}${link.search}`).get();
      names.push(...page.value.map((a: GraphApp) => a.displayName));
      next = page["@odata.nextLink"];
    }
    expect(names).toEqual(["paged-1", "paged-2", "paged-3"]);
  });

  it("adds a password with an Entra-like secret and never lists the secret again", async () => {
    const app = (await graph.api("/applications").post({ displayName: "with-secret" })) as GraphApp;
    const password = await graph
      .api(`/applications/${app.id}/addPassword`)
      .post({ passwordCredential: { displayName: "agent secret" } });
    expect(password).toMatchObject({
      displayName: "agent secret",
      keyId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(password.secretText.length).toBeGreaterThanOrEqual(40);
    expect(password.hint).toBe(password.secretText.slice(0, 3));
    expect(new Date(password.endDateTime).getTime()).toBeGreaterThan(Date.now() + 365 * 24 * 3600 * 1000);

    const again = (await graph.api(`/applications/${app.id}`).get()) as GraphApp;
    expect(again.passwordCredentials).toEqual([
      expect.objectContaining({ keyId: password.keyId, hint: password.hint, secretText: null }),
    ]);
    expect(JSON.stringify(again)).not.toContain(password.secretText);

    const second = await graph.api(`/applications/${app.id}/addPassword`).post({});
    expect(second.secretText).not.toBe(password.secretText);
    await graph.api(`/applications/${app.id}/removePassword`).post({ keyId: password.keyId });
    const after = (await graph.api(`/applications/${app.id}`).get()) as GraphApp;
    expect(after.passwordCredentials.map((p) => p.keyId)).toEqual([second.keyId]);
  });

  it("creates one service principal per application and answers a second with Graph's conflict", async () => {
    const app = (await graph.api("/applications").post({ displayName: "with-sp" })) as GraphApp;
    const sp = await graph.api("/servicePrincipals").post({ appId: app.appId });
    expect(sp).toMatchObject({
      appId: app.appId,
      displayName: "with-sp",
      servicePrincipalType: "Application",
      accountEnabled: true,
    });
    expect(sp.id).not.toBe(app.id);
    const duplicate = await failure(graph.api("/servicePrincipals").post({ appId: app.appId }));
    expect(duplicate).toMatchObject({ statusCode: 409, code: "Request_MultipleObjectsWithSameKeyValue" });

    const found = await graph.api("/servicePrincipals").filter(`appId eq '${app.appId}'`).get();
    expect(found.value.map((s: { id: string }) => s.id)).toEqual([sp.id]);
    expect(await graph.api(`/servicePrincipals/${sp.id}`).get()).toMatchObject({ appId: app.appId });
    const orphan = await failure(
      graph.api("/servicePrincipals").post({ appId: "00000000-0000-0000-0000-000000000000" }),
    );
    expect(orphan).toMatchObject({ statusCode: 400, code: "Request_BadRequest" });
  });

  it("deletes an application together with its service principal", async () => {
    const app = (await graph.api("/applications").post({ displayName: "doomed" })) as GraphApp;
    const sp = await graph.api("/servicePrincipals").post({ appId: app.appId });
    await graph.api(`/applications/${app.id}`).delete();
    expect(await failure(graph.api(`/applications/${app.id}`).get())).toMatchObject({ statusCode: 404 });
    expect(await failure(graph.api(`/servicePrincipals/${sp.id}`).get())).toMatchObject({ statusCode: 404 });
    expect(await failure(graph.api(`/applications/${app.id}`).delete())).toMatchObject({
      statusCode: 404,
      code: "Request_ResourceNotFound",
    });

    const other = (await graph.api("/applications").post({ displayName: "sp-only" })) as GraphApp;
    const otherSp = await graph.api("/servicePrincipals").post({ appId: other.appId });
    await graph.api(`/servicePrincipals/${otherSp.id}`).delete();
    expect(await graph.api(`/applications/${other.id}`).get()).toMatchObject({ id: other.id });
  });

  it("answers with Graph's error envelope", async () => {
    const token = (await credential(cloud, "orchestrator", "orchestrator-secret").getToken(graphScope)).token;
    const missing = await fetch(`${cloud.url}/v1.0/applications/00000000-0000-0000-0000-000000000001`, {
      headers: { authorization: `Bearer ${token}`, "client-request-id": "my-request" },
    });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await missing.json()).toEqual({
      error: {
        code: "Request_ResourceNotFound",
        message: expect.stringContaining("00000000-0000-0000-0000-000000000001"),
        innerError: {
          date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
          "request-id": missing.headers.get("request-id"),
          "client-request-id": "my-request",
        },
      },
    });
    expect(await failure(graph.api("/applications").filter("notes eq 'x'").get())).toMatchObject({
      statusCode: 400,
      code: "Request_UnsupportedQuery",
    });
    expect(await failure(graph.api("/applications").post({ tags: ["no name"] }))).toMatchObject({
      statusCode: 400,
      code: "Request_BadRequest",
    });
    expect(await failure(graph.api("/groups").get())).toMatchObject({ statusCode: 400, code: "BadRequest" });
  });

  it("lets only directory writers call Graph", async () => {
    cloud.registerPrincipal({
      clientId: "arm-only",
      secret: "arm-only-secret",
      subscriptionScopes: [`/subscriptions/${cloud.subscriptionId}`],
    });
    const reader = graphClient(cloud, credential(cloud, "arm-only", "arm-only-secret"));
    expect(await failure(reader.api("/applications").get())).toMatchObject({
      statusCode: 403,
      code: "Authorization_RequestDenied",
    });
    expect(await failure(reader.api("/applications").post({ displayName: "sneaky" }))).toMatchObject({
      statusCode: 403,
    });
    const anonymous = await fetch(`${cloud.url}/v1.0/applications`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: "InvalidAuthenticationToken" } });
  });

  it("does not sign http requests through the Graph client's own auth handler, even with customHosts", async () => {
    // Documents why the README prescribes a custom middleware chain.
    const cred = credential(cloud, "orchestrator", "orchestrator-secret");
    const { Client } = await import("@microsoft/microsoft-graph-client");
    const naive = Client.initWithMiddleware({
      baseUrl: `${cloud.url}/`,
      authProvider: { getAccessToken: () => cred.getToken(graphScope).then((t) => t.token) },
      customHosts: new Set(["127.0.0.1"]),
    });
    expect(await failure(naive.api("/applications").get())).toMatchObject({
      statusCode: 401,
      code: "InvalidAuthenticationToken",
    });
  });
});

interface DirectoryAudit {
  activityDisplayName: string;
  result: string;
  resultReason: string;
  targetResources: { id: string }[];
}

describe("directory audit log", () => {
  it("records every Graph write with its initiator, target and result", async () => {
    const start = new Date(Date.now() - 1000).toISOString();
    const app = (await graph.api("/applications").post({ displayName: "audited" })) as GraphApp;
    await graph.api(`/applications/${app.id}/addPassword`).post({});
    const sp = await graph.api("/servicePrincipals").post({ appId: app.appId });
    await failure(graph.api("/servicePrincipals").post({ appId: app.appId }));
    await graph.api(`/applications/${app.id}`).delete();

    const audits = await graph
      .api("/auditLogs/directoryAudits")
      .filter(`activityDateTime ge ${start} and initiatedBy/app/appId eq 'orchestrator'`)
      .get();
    const mine = (audits.value as DirectoryAudit[]).filter((a) =>
      a.targetResources.some((t) => t.id === app.id || t.id === sp.id),
    );
    expect(mine.map((a) => [a.activityDisplayName, a.result]).reverse()).toEqual([
      ["Add application", "success"],
      ["Update application – Certificates and secrets management", "success"],
      ["Add service principal", "success"],
      ["Add service principal", "failure"],
      ["Delete application", "success"],
      ["Delete service principal", "success"],
    ]);
    expect(mine[0]).toMatchObject({
      category: "ApplicationManagement",
      loggedByService: "Core Directory",
      initiatedBy: { user: null, app: { appId: "orchestrator" } },
    });
    const failed = mine.find((a) => a.result === "failure");
    expect(failed?.resultReason).toBe("409 Request_MultipleObjectsWithSameKeyValue");
    expect(JSON.stringify(audits)).not.toMatch(/8Q~/);
  });
});
