// realism.directoryObjectQuota: deleted applications and service principals wait in
// /directory/deletedItems and keep counting toward their creator's quota until permanently deleted; and
// without a quota (NO_REALISM) deletes are final.
import type { Client } from "@microsoft/microsoft-graph-client";
import { describe, expect, it } from "vitest";
import type { SandboxCloud } from "./index.ts";
import { failure, graphClient } from "./test-support/clients.ts";
import { provisionIdentity } from "./test-support/identities.ts";
import { startWithOrchestrator } from "./test-support/orchestrated-cloud.ts";

async function withCloud(
  quota: number | undefined,
  test: (graph: Client, cloud: SandboxCloud) => Promise<void>,
): Promise<void> {
  const { cloud, orchestrator } = await startWithOrchestrator({ realism: { directoryObjectQuota: quota } });
  try {
    await test(graphClient(cloud, orchestrator), cloud);
  } finally {
    await cloud.close();
  }
}

describe("deleted items and the creator quota (realism.directoryObjectQuota)", () => {
  it("keeps a deleted application and its service principal in deletedItems until they are hard-deleted", async () => {
    await withCloud(10, async (graph) => {
      const identity = await provisionIdentity(graph, "recycled");
      await graph.api(`/applications/${identity.applicationId}`).delete();

      expect(await graph.api(`/directory/deletedItems/${identity.applicationId}`).get()).toMatchObject({
        "@odata.type": "#microsoft.graph.application",
        id: identity.applicationId,
        appId: identity.appId,
        displayName: "recycled",
        deletedDateTime: expect.stringMatching(/Z$/),
      });
      const apps = (await graph.api("/directory/deletedItems/microsoft.graph.application").get()) as {
        value: { id: string }[];
      };
      expect(apps.value.map((a) => a.id)).toEqual([identity.applicationId]);
      const principals = (await graph
        .api("/directory/deletedItems/microsoft.graph.servicePrincipal")
        .get()) as { value: { id: string }[] };
      expect(principals.value.map((p) => p.id)).toEqual([identity.principalId]);
      await expect(
        failure(graph.api(`/applications/${identity.applicationId}`).get()),
      ).resolves.toMatchObject({ statusCode: 404 });

      await graph.api(`/directory/deletedItems/${identity.applicationId}`).delete();
      await graph.api(`/directory/deletedItems/${identity.principalId}`).delete();
      await expect(
        failure(graph.api(`/directory/deletedItems/${identity.applicationId}`).get()),
      ).resolves.toMatchObject({ statusCode: 404, code: "Request_ResourceNotFound" });
      await expect(
        failure(graph.api(`/directory/deletedItems/${identity.principalId}`).delete()),
      ).resolves.toMatchObject({ statusCode: 404 });
    });
  });

  it("counts live and soft-deleted objects toward the creator's quota, and frees a slot on hard delete", async () => {
    await withCloud(3, async (graph) => {
      const first = await provisionIdentity(graph, "quota-1"); // an application and a service principal
      await graph.api(`/applications/${first.applicationId}`).delete(); // both wait in deletedItems
      await graph.api("/applications").post({ displayName: "quota-2" }); // the third object
      const refused = await failure(graph.api("/applications").post({ displayName: "quota-3" }));
      expect(refused).toMatchObject({ statusCode: 400, code: "Directory_QuotaExceeded" });
      expect(String(refused.message)).toContain(
        "The directory object quota limit for the Principal has been exceeded",
      );

      await graph.api(`/directory/deletedItems/${first.principalId}`).delete();
      expect(await graph.api("/applications").post({ displayName: "quota-3" })).toMatchObject({
        displayName: "quota-3",
      });
      await expect(
        failure(graph.api("/servicePrincipals").post({ appId: first.appId })),
      ).resolves.toMatchObject({ statusCode: 400, code: "Directory_QuotaExceeded" });
    });
  });

  it("records a hard delete in the directory audits as Entra names it", async () => {
    await withCloud(10, async (graph) => {
      const identity = await provisionIdentity(graph, "audited");
      await graph.api(`/applications/${identity.applicationId}`).delete();
      await graph.api(`/directory/deletedItems/${identity.applicationId}`).delete();
      await graph.api(`/directory/deletedItems/${identity.principalId}`).delete();
      const audits = (await graph
        .api("/auditLogs/directoryAudits")
        .filter("operationType eq 'Delete'")
        .get()) as { value: { activityDisplayName: string }[] };
      expect(audits.value.map((a) => a.activityDisplayName).sort()).toEqual([
        "Delete application",
        "Delete service principal",
        "Hard Delete application",
        "Hard delete service principal",
      ]);
    });
  });
});

describe("no quota (NO_REALISM)", () => {
  it("deletes for good: nothing waits in deletedItems and nothing is counted", async () => {
    await withCloud(undefined, async (graph) => {
      const identity = await provisionIdentity(graph, "gone");
      await graph.api(`/applications/${identity.applicationId}`).delete();
      await expect(
        failure(graph.api(`/directory/deletedItems/${identity.applicationId}`).get()),
      ).resolves.toMatchObject({ statusCode: 404 });
      const apps = (await graph.api("/directory/deletedItems/microsoft.graph.application").get()) as {
        value: unknown[];
      };
      expect(apps.value).toEqual([]);
    });
  });
});

describe("application upsert by uniqueName", () => {
  it("creates with Prefer: create-if-missing, updates after, and is 404 without the preference", async () => {
    await withCloud(undefined, async (graph) => {
      await expect(
        failure(graph.api("/applications(uniqueName='agent-a01')").patch({ displayName: "agent-a01" })),
      ).resolves.toMatchObject({ statusCode: 404 });
      const created = (await graph
        .api("/applications(uniqueName='agent-a01')")
        .header("Prefer", "create-if-missing")
        .patch({ displayName: "agent-a01", tags: ["first"] })) as { id: string; uniqueName: string };
      expect(created.uniqueName).toBe("agent-a01");
      const again = await graph
        .api("/applications(uniqueName='agent-a01')")
        .header("Prefer", "create-if-missing")
        .patch({ displayName: "agent-a01", tags: ["second"] });
      expect(again ?? undefined).toBeUndefined(); // 204 No Content: it already existed
      expect(await graph.api("/applications(uniqueName='AGENT-A01')").get()).toMatchObject({
        id: created.id,
        tags: ["second"],
      });
      const all = (await graph.api("/applications").get()) as { value: unknown[] };
      expect(all.value).toHaveLength(1);
    });
  });
});
