// Azure Resource Manager's documented behaviours the sandbox reproduces when realism asks (README,
// "Realism"): tag-filtered lists without tags, the Activity Log's ingestion delay, and throttling.
import { ResourceManagementClient } from "@azure/arm-resources";
import { describe, expect, it } from "vitest";
import { sandboxArmClientOptions, useSandboxAuthentication } from "./index.ts";
import { collect, monitorClient, resourcesClient } from "./test-support/clients.ts";
import { startWithOrchestrator } from "./test-support/orchestrated-cloud.ts";

const tagged = { "haymaker-run": "r1", "haymaker-agent": "a01" };
const byRun = "tagName eq 'haymaker-run' and tagValue eq 'r1'";

async function seed(arm: ResourceManagementClient, subscriptionId: string) {
  await arm.resourceGroups.createOrUpdate("rg-tags", { location: "westeurope", tags: tagged });
  const id = `/subscriptions/${subscriptionId}/resourceGroups/rg-tags/providers/Microsoft.Network/networkSecurityGroups/nsg1`;
  await arm.resources.beginCreateOrUpdateByIdAndWait(
    id,
    "2024-05-01",
    { location: "westeurope", tags: tagged },
    { updateIntervalInMs: 0 },
  );
  return id;
}

describe("tag-filtered lists (realism.tagFilteredListsOmitTags)", () => {
  it("answers a tag-filtered list of resources or groups without tags, and every other answer with them", async () => {
    const { cloud, orchestrator } = await startWithOrchestrator({
      realism: { tagFilteredListsOmitTags: true },
    });
    try {
      const arm = resourcesClient(cloud, orchestrator);
      const id = await seed(arm, cloud.subscriptionId);

      const resources = await collect(arm.resources.list({ filter: byRun }));
      expect(resources.map((r) => [r.id, r.tags])).toEqual([[id, undefined]]);
      const inGroup = await collect(arm.resources.listByResourceGroup("rg-tags", { filter: byRun }));
      expect(inGroup.map((r) => r.tags)).toEqual([undefined]);
      const groups = await collect(arm.resourceGroups.list({ filter: byRun }));
      expect(groups.map((g) => [g.name, g.tags])).toEqual([["rg-tags", undefined]]);
      // A tag name alone is a tag filter too.
      const byName = await collect(arm.resources.list({ filter: "tagName eq 'haymaker-run'" }));
      expect(byName.map((r) => r.tags)).toEqual([undefined]);

      // Unfiltered lists, other filters and reads by id keep the tags.
      expect((await collect(arm.resources.list())).map((r) => r.tags)).toEqual([tagged]);
      const byType = await collect(
        arm.resources.list({ filter: "resourceType eq 'Microsoft.Network/networkSecurityGroups'" }),
      );
      expect(byType.map((r) => r.tags)).toEqual([tagged]);
      expect((await arm.resources.getById(id, "2024-05-01")).tags).toEqual(tagged);
      expect((await arm.resourceGroups.get("rg-tags")).tags).toEqual(tagged);
    } finally {
      await cloud.close();
    }
  });

  it("keeps the tags in tag-filtered lists when the behaviour is off", async () => {
    const { cloud, orchestrator } = await startWithOrchestrator();
    try {
      const arm = resourcesClient(cloud, orchestrator);
      await seed(arm, cloud.subscriptionId);
      expect((await collect(arm.resources.list({ filter: byRun }))).map((r) => r.tags)).toEqual([tagged]);
      expect((await collect(arm.resourceGroups.list({ filter: byRun }))).map((g) => g.tags)).toEqual([
        tagged,
      ]);
    } finally {
      await cloud.close();
    }
  });
});

describe("Activity Log ingestion delay (realism.activityLogDelayMs)", () => {
  it("returns an entry only once its delay has passed, with submissionTimestamp = eventTimestamp + delay", async () => {
    const delayMs = 1500;
    const { cloud, orchestrator } = await startWithOrchestrator({ realism: { activityLogDelayMs: delayMs } });
    try {
      const arm = resourcesClient(cloud, orchestrator);
      const monitor = monitorClient(cloud, orchestrator);
      const filter = `eventTimestamp ge '${new Date(Date.now() - 60_000).toISOString()}' and resourceGroupName eq 'rg-late'`;
      const madeAt = Date.now();
      await arm.resourceGroups.createOrUpdate("rg-late", { location: "westeurope" });

      expect(await collect(monitor.activityLogs.list(filter))).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, madeAt + delayMs + 100 - Date.now()));
      const [entry, ...rest] = await collect(monitor.activityLogs.list(filter));
      expect(rest).toEqual([]);
      expect(entry?.operationName?.value).toBe("Microsoft.Resources/subscriptions/resourceGroups/write");
      const lag = (entry?.submissionTimestamp?.getTime() ?? 0) - (entry?.eventTimestamp?.getTime() ?? 0);
      expect(lag).toBe(delayMs);
    } finally {
      await cloud.close();
    }
  });
});

describe("throttling (realism.throttling)", () => {
  it("answers 429 TooManyRequests with Retry-After past a caller's reads or writes in a window, and logs nothing for it", async () => {
    const { cloud, orchestrator } = await startWithOrchestrator({
      realism: { throttling: { requests: 3, windowMs: 4000 } },
    });
    cloud.registerPrincipal({
      clientId: "other",
      secret: "other-secret",
      subscriptionScopes: [`/subscriptions/${cloud.subscriptionId}`],
    });
    try {
      const token = async (clientId: string, secret: string) => {
        const response = await fetch(`${cloud.url}/${cloud.tenantId}/oauth2/v2.0/token`, {
          method: "POST",
          body: new URLSearchParams({
            grant_type: "client_credentials",
            client_id: clientId,
            client_secret: secret,
            scope: "https://management.azure.com/.default",
          }),
        });
        return ((await response.json()) as { access_token: string }).access_token;
      };
      const mine = await token("orchestrator", "orchestrator-secret");
      const groupUrl = `${cloud.url}/subscriptions/${cloud.subscriptionId}/resourcegroups/rg-busy?api-version=2021-04-01`;
      const call = (bearer: string, method: string) =>
        fetch(groupUrl, {
          method,
          headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
          ...(method === "PUT" ? { body: JSON.stringify({ location: "westeurope" }) } : {}),
        });

      const writes = [];
      for (let i = 0; i < 3; i++) writes.push(await call(mine, "PUT"));
      expect(writes.map((r) => r.status)).toEqual([201, 200, 200]);
      expect(writes.map((r) => r.headers.get("x-ms-ratelimit-remaining-subscription-writes"))).toEqual([
        "2",
        "1",
        "0",
      ]);
      const refused = await call(mine, "PUT");
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(4);
      expect(await refused.json()).toMatchObject({
        error: { code: "TooManyRequests", message: expect.stringContaining("Please try after") },
      });

      // Reads have their own budget, and another caller its own window.
      expect((await call(mine, "GET")).status).toBe(200);
      expect((await call(await token("other", "other-secret"), "PUT")).status).toBe(200);

      const log = await collect(
        monitorClient(cloud, orchestrator).activityLogs.list(
          `eventTimestamp ge '${new Date(Date.now() - 60_000).toISOString()}' and resourceGroupName eq 'rg-busy'`,
        ),
      );
      expect(log.filter((entry) => entry.status?.value === "Failed")).toEqual([]);
      // Three writes and a read by the orchestrator, one write by the other caller: not the refused one.
      expect(log).toHaveLength(5);
    } finally {
      await cloud.close();
    }
  });

  it("lets the SDK's own retry policy finish a burst by waiting as Retry-After says", async () => {
    const { cloud, orchestrator } = await startWithOrchestrator({
      realism: { throttling: { requests: 4, windowMs: 1000 } },
    });
    try {
      // The sandbox's client options, untouched: they keep the SDK's throttling retry policy.
      const arm = useSandboxAuthentication(
        new ResourceManagementClient(orchestrator, cloud.subscriptionId, sandboxArmClientOptions(cloud.url)),
        orchestrator,
      );
      // Seen after the retry policy, so every attempt shows: what was refused, and when the next went out.
      const attempts: { sentAt: number; status: number; retryAfterMs: number }[] = [];
      arm.pipeline.addPolicy(
        {
          name: "record-attempts",
          async sendRequest(request, next) {
            const sentAt = Date.now();
            const response = await next(request);
            const retryAfterMs = Number(response.headers.get("retry-after") ?? 0) * 1000;
            attempts.push({ sentAt, status: response.status, retryAfterMs });
            return response;
          },
        },
        { afterPhase: "Retry" },
      );
      for (let i = 0; i < 10; i++) {
        await arm.resourceGroups.createOrUpdate(`rg-burst-${i}`, { location: "westeurope" });
      }
      expect(await collect(arm.resourceGroups.list())).toHaveLength(10);
      const refused = attempts.filter((attempt) => attempt.status === 429);
      expect(refused.length).toBeGreaterThanOrEqual(2);
      for (const [i, attempt] of attempts.entries()) {
        if (attempt.status !== 429) continue;
        const retry = attempts[i + 1];
        expect(retry).toBeDefined();
        expect(retry?.sentAt ?? 0).toBeGreaterThanOrEqual(attempt.sentAt + attempt.retryAfterMs - 5);
      }
    } finally {
      await cloud.close();
    }
  });
});
