import type { MonitorClient } from "@azure/arm-monitor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armScope, type SandboxCloud, startSandboxCloud } from "./index.ts";
import { collect, credential, monitorClient, resourcesClient } from "./test-support/clients.ts";

let cloud: SandboxCloud;
let monitor: MonitorClient;
const start = new Date(Date.now() - 1000).toISOString();

beforeAll(async () => {
  cloud = await startSandboxCloud();
  for (const clientId of ["orchestrator", "busy-agent"]) {
    cloud.registerPrincipal({
      clientId,
      secret: `${clientId}-secret`,
      subscriptionScopes: [`/subscriptions/${cloud.subscriptionId}`],
    });
  }
  monitor = monitorClient(cloud, credential(cloud, "orchestrator", "orchestrator-secret"));
});

afterAll(async () => {
  await cloud.close();
});

describe("Activity Log", () => {
  it("records operation, caller, resource, status, http status and time for each call", async () => {
    const arm = resourcesClient(cloud, credential(cloud, "busy-agent", "busy-agent-secret"));
    await arm.resourceGroups.createOrUpdate("rg-log", { location: "westeurope" });
    await arm.resourceGroups.get("rg-missing").catch(() => undefined);

    const events = await collect(
      monitor.activityLogs.list(
        `eventTimestamp ge '${start}' and caller eq 'busy-agent' and resourceGroupName eq 'rg-log'`,
      ),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      operationName: { value: "Microsoft.Resources/subscriptions/resourceGroups/write" },
      caller: "busy-agent",
      resourceId: `/subscriptions/${cloud.subscriptionId}/resourceGroups/rg-log`,
      resourceGroupName: "rg-log",
      status: { value: "Succeeded" },
      subStatus: { value: "Created" },
      properties: { statusCode: "Created", httpStatusCode: "201" },
      tenantId: cloud.tenantId,
      subscriptionId: cloud.subscriptionId,
    });
    expect(events[0]?.eventTimestamp).toBeInstanceOf(Date);

    const failed = await collect(
      monitor.activityLogs.list(`eventTimestamp ge '${start}' and resourceGroupName eq 'rg-missing'`),
    );
    expect(failed.map((e) => [e.caller, e.status?.value, e.properties?.httpStatusCode])).toEqual([
      ["busy-agent", "Failed", "404"],
    ]);
  });

  it("bounds by eventTimestamp on both sides", async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await collect(monitor.activityLogs.list(`eventTimestamp ge '${future}'`))).toEqual([]);
    const past = new Date(Date.now() - 3_600_000).toISOString();
    expect(
      await collect(
        monitor.activityLogs.list(`eventTimestamp ge '${past}' and eventTimestamp le '${start}'`),
      ),
    ).toEqual([]);
  });

  it("pages through more than one page with nextLink", async () => {
    const token = (await credential(cloud, "busy-agent", "busy-agent-secret").getToken(armScope)).token;
    const url = `${cloud.url}/subscriptions/${cloud.subscriptionId}/resourcegroups/rg-log?api-version=2021-04-01`;
    for (let batch = 0; batch < 5; batch++) {
      await Promise.all(
        Array.from({ length: 50 }, () =>
          fetch(url, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.text()),
        ),
      );
    }
    const filter = `eventTimestamp ge '${start}' and caller eq 'busy-agent'`;
    const firstPage = await monitor.activityLogs.list(filter).byPage().next();
    expect(firstPage.value).toHaveLength(200);

    const events = await collect(monitor.activityLogs.list(filter));
    expect(events.length).toBe(252);
    expect(new Set(events.map((e) => e.eventDataId)).size).toBe(252);
    const times = events.map((e) => e.eventTimestamp?.getTime() ?? 0);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });
});
