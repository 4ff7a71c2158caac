// Creating a service principal again for an application that has one: Graph answers 409 (the name is in
// use), which a caller retrying a create that went through reads as "already made", even when the creator
// has reached its quota of directory objects (realism.directoryObjectQuota) since.
import { describe, expect, it } from "vitest";
import { failure, graphClient } from "./test-support/clients.ts";
import { provisionIdentity } from "./test-support/identities.ts";
import { startWithOrchestrator } from "./test-support/orchestrated-cloud.ts";

describe("a service principal created again for its application", () => {
  it("answers 409 name in use, not the quota, when the creator is at its quota", async () => {
    // Room for one application and its service principal.
    const { cloud, orchestrator } = await startWithOrchestrator({ realism: { directoryObjectQuota: 2 } });
    try {
      const graph = graphClient(cloud, orchestrator);
      const identity = await provisionIdentity(graph, "retried");

      const retry = await failure(graph.api("/servicePrincipals").post({ appId: identity.appId }));
      expect(retry).toMatchObject({ statusCode: 409, code: "Request_MultipleObjectsWithSameKeyValue" });
      expect(String(retry.message)).toContain(`service principal name ${identity.appId} is already in use`);
      const principals = (await graph
        .api("/servicePrincipals")
        .filter(`appId eq '${identity.appId}'`)
        .get()) as { value: { id: string }[] };
      expect(principals.value.map((p) => p.id)).toEqual([identity.principalId]);

      // A new object is still refused: the quota is full.
      const another = await failure(graph.api("/applications").post({ displayName: "one-too-many" }));
      expect(another).toMatchObject({ statusCode: 400, code: "Directory_QuotaExceeded" });
    } finally {
      await cloud.close();
    }
  });
});
