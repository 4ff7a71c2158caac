import { afterEach, describe, expect, it } from "vitest";
import { armScope, type FaultOptions, type SandboxCloud, startSandboxCloud } from "./index.ts";
import {
  collect,
  credential,
  failure,
  graphClient,
  monitorClient,
  resourcesClient,
} from "./test-support/clients.ts";
import { startWithOrchestrator } from "./test-support/orchestrated-cloud.ts";

const fast = { updateIntervalInMs: 0 };
const started: SandboxCloud[] = [];

afterEach(async () => {
  for (const cloud of started.splice(0)) await cloud.close();
});

async function sandbox(faults?: FaultOptions): Promise<SandboxCloud> {
  const { cloud } = await startWithOrchestrator(faults === undefined ? {} : { faults });
  started.push(cloud);
  return cloud;
}

async function putGroup(cloud: SandboxCloud, name: string): Promise<Response> {
  const token = await credential(cloud, "orchestrator", "orchestrator-secret").getToken(armScope);
  return fetch(
    `${cloud.url}/subscriptions/${cloud.subscriptionId}/resourcegroups/${name}?api-version=2021-04-01`,
    {
      method: "PUT",
      headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
      body: JSON.stringify({ location: "westeurope" }),
    },
  );
}

describe("fault injection", () => {
  it("is reproducible: the same seed and calls give the same faults", async () => {
    const options: FaultOptions = { rates: { write: 0.5 }, seed: 42 };
    const statuses = async () => {
      const cloud = await sandbox(options);
      const seen: number[] = [];
      for (let i = 0; i < 20; i++) seen.push((await putGroup(cloud, `rg-${i}`)).status);
      return seen;
    };
    const first = await statuses();
    expect(await statuses()).toEqual(first);
    expect(first.some((s) => s === 201)).toBe(true);
    expect(first.some((s) => [409, 429, 500].includes(s))).toBe(true);
  });

  it("answers the ARM error envelope, performs nothing, and logs the call as Failed", async () => {
    const start = new Date(Date.now() - 1000);
    const cloud = await sandbox({ rates: { write: 1 }, statuses: [429] });
    const throttled = await putGroup(cloud, "rg-throttled");
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("1");
    expect(await throttled.json()).toMatchObject({
      error: { code: "TooManyRequests", message: expect.any(String) },
    });

    cloud.setFaults({ rates: { write: 1 }, statuses: [409] });
    expect(await (await putGroup(cloud, "rg-conflict")).json()).toMatchObject({
      error: { code: "Conflict" },
    });
    cloud.setFaults({ rates: { write: 1 }, statuses: [500] });
    expect(await (await putGroup(cloud, "rg-broken")).json()).toMatchObject({
      error: { code: "InternalServerError" },
    });

    // Reads were never faulted; the writes never happened.
    const cred = credential(cloud, "orchestrator", "orchestrator-secret");
    const arm = resourcesClient(cloud, cred);
    expect(await collect(arm.resourceGroups.list())).toEqual([]);

    const events = await collect(
      monitorClient(cloud, cred).activityLogs.list(`eventTimestamp ge '${start.toISOString()}'`),
    );
    const writes = events.filter(
      (e) => e.operationName?.value === "Microsoft.Resources/subscriptions/resourceGroups/write",
    );
    expect(writes.map((e) => [e.status?.value, e.properties?.httpStatusCode]).sort()).toEqual([
      ["Failed", "409"],
      ["Failed", "429"],
      ["Failed", "500"],
    ]);

    cloud.setFaults(undefined);
    expect((await putGroup(cloud, "rg-fine")).status).toBe(201);
  });

  it("never faults the token endpoint, LRO polls or Activity Log reads", async () => {
    const cloud = await sandbox();
    const cred = credential(cloud, "orchestrator", "orchestrator-secret");
    const arm = resourcesClient(cloud, cred);
    await arm.resourceGroups.createOrUpdate("rg-polled", { location: "westeurope" });

    cloud.setFaults({ rates: { read: 1, list: 1, write: 1, action: 1 }, seed: 1 });
    // Fresh credential: the token request itself must get through.
    const fresh = credential(cloud, "orchestrator", "orchestrator-secret");
    await expect(fresh.getToken(armScope)).resolves.toMatchObject({ token: expect.any(String) });
    // The delete is allowed through (rate 0); its 202 poll is a read and must not be faulted.
    await resourcesClient(cloud, fresh).resourceGroups.delete("rg-polled", fast);
    const events = await collect(
      monitorClient(cloud, fresh).activityLogs.list(
        `eventTimestamp ge '${new Date(Date.now() - 60_000).toISOString()}'`,
      ),
    );
    expect(
      events.some(
        (e) => e.operationName?.value === "Microsoft.Resources/subscriptions/resourceGroups/delete",
      ),
    ).toBe(true);
    cloud.setFaults(undefined);
    expect(await failure(resourcesClient(cloud, fresh).resourceGroups.get("rg-polled"))).toMatchObject({
      statusCode: 404,
    });
  });

  it("faults Graph writes with Graph's envelope and audits them as failures, leaving reads alone", async () => {
    const cloud = await sandbox({ rates: { write: 1 }, statuses: [429] });
    const graph = graphClient(cloud, credential(cloud, "orchestrator", "orchestrator-secret"));
    expect(await failure(graph.api("/applications").post({ displayName: "throttled" }))).toMatchObject({
      statusCode: 429,
      code: "TooManyRequests",
    });
    expect((await graph.api("/applications").get()).value).toEqual([]);
    const audits = await graph.api("/auditLogs/directoryAudits").get();
    expect(audits.value).toEqual([
      expect.objectContaining({
        activityDisplayName: "Add application",
        result: "failure",
        resultReason: "429 TooManyRequests",
      }),
    ]);
  });

  it("rejects nonsense configurations", async () => {
    const cloud = await sandbox();
    expect(() => cloud.setFaults({ rates: { write: 2 } })).toThrow(/between 0 and 1/);
    expect(() => cloud.setFaults({ rates: { write: 0.1 }, statuses: [200] })).toThrow(/4xx\/5xx/);
    await expect(startSandboxCloud({ faults: { rates: { everything: 1 } as never } })).rejects.toThrow(
      /Unknown fault/,
    );
  });
});
