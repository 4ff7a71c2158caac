// The contract every CloudControl adapter passes: the in-memory one for handler tests and the ARM + Graph
// adapter against the sandbox cloud. What provision and cleanup rely on is asserted here once.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CloudControl } from "../cloud-control.ts";

export interface CloudControlFixture {
  cloud: CloudControl;
  /** Puts a resource into an existing group, as an agent would; returns its ARM id. */
  putResource(group: string, type: string, name: string, tags: Record<string, string>): Promise<string>;
  close(): Promise<void>;
}

export function describeCloudControlContract(name: string, open: () => Promise<CloudControlFixture>): void {
  describe(`CloudControl contract: ${name}`, () => {
    let fixture: CloudControlFixture;
    let cloud: CloudControl;
    const run = `run-${randomUUID().slice(0, 8)}`;
    const tags = (agent: string) => ({
      "haymaker-managed": "true",
      "haymaker-run": run,
      "haymaker-agent": agent,
    });

    beforeAll(async () => {
      fixture = await open();
      cloud = fixture.cloud;
    });
    afterAll(() => fixture.close());

    it("proves its credentials work", async () => {
      await expect(cloud.check()).resolves.toBeUndefined();
    });

    it("creates a resource group once however often it is asked, and finds it by tag", async () => {
      const first = await cloud.ensureResourceGroup(`${run}-a01`, "westeurope", tags("a01"));
      const second = await cloud.ensureResourceGroup(`${run}-a01`, "westeurope", tags("a01"));
      expect(second).toBe(first);
      expect(first.toLowerCase()).toBe(`/subscriptions/${cloud.subscriptionId}/resourcegroups/${run}-a01`);
      const found = await cloud.listTagged({ "haymaker-run": run, "haymaker-agent": "a01" });
      expect(found.map((r) => r.type)).toEqual(["Microsoft.Resources/resourceGroups"]);
      expect(found[0]?.tags["haymaker-managed"]).toBe("true");
    });

    it("lists resources by all the given tags, not just the first", async () => {
      await cloud.ensureResourceGroup(`${run}-a02`, "westeurope", tags("a02"));
      const mine = await fixture.putResource(
        `${run}-a02`,
        "Microsoft.Network/networkSecurityGroups",
        "nsg1",
        tags("a02"),
      );
      await fixture.putResource(`${run}-a02`, "Microsoft.Network/networkSecurityGroups", "nsg2", tags("a03"));
      const found = await cloud.listTagged({ "haymaker-run": run, "haymaker-agent": "a02" });
      expect(found.map((r) => r.resourceId.toLowerCase()).sort()).toEqual(
        [mine.toLowerCase(), `/subscriptions/${cloud.subscriptionId}/resourcegroups/${run}-a02`].sort(),
      );
      expect(found.find((r) => r.resourceId === mine)?.type).toBe("Microsoft.Network/networkSecurityGroups");
    });

    it("deletes a resource, then says it is absent", async () => {
      await cloud.ensureResourceGroup(`${run}-a04`, "westeurope", tags("a04"));
      const id = await fixture.putResource(
        `${run}-a04`,
        "Microsoft.Network/publicIPAddresses",
        "pip1",
        tags("a04"),
      );
      await expect(cloud.deleteResource(id, "Microsoft.Network/publicIPAddresses")).resolves.toBe("deleted");
      await expect(cloud.deleteResource(id, "Microsoft.Network/publicIPAddresses")).resolves.toBe("absent");
      const left = await cloud.listTagged({ "haymaker-run": run, "haymaker-agent": "a04" });
      expect(left.map((r) => r.type)).toEqual(["Microsoft.Resources/resourceGroups"]);
    });

    it("deletes a resource group with everything in it, then says it is absent", async () => {
      await cloud.ensureResourceGroup(`${run}-a05`, "westeurope", tags("a05"));
      await fixture.putResource(`${run}-a05`, "Microsoft.Network/networkSecurityGroups", "nsg5", tags("a05"));
      await expect(cloud.deleteResourceGroup(`${run}-a05`)).resolves.toBe("deleted");
      await expect(cloud.listTagged({ "haymaker-run": run, "haymaker-agent": "a05" })).resolves.toEqual([]);
      await expect(cloud.deleteResourceGroup(`${run}-a05`)).resolves.toBe("absent");
    });

    it("creates one identity per name, with a fresh secret each time, and deletes it", async () => {
      const name = `haymaker-${run}-a06`;
      const first = await cloud.createIdentity(name, tags("a06"));
      const again = await cloud.createIdentity(name, tags("a06"));
      expect(again.identity).toEqual(first.identity);
      expect(first.identity).toMatchObject({ displayName: name, tenantId: cloud.tenantId });
      expect(first.secret.length).toBeGreaterThanOrEqual(16);
      expect(again.secret).not.toBe(first.secret);
      await expect(cloud.findIdentity(name)).resolves.toEqual(first.identity);

      await cloud.ensureResourceGroup(`${run}-a06`, "westeurope", tags("a06"));
      const scope = `/subscriptions/${cloud.subscriptionId}/resourceGroups/${run}-a06`;
      await cloud.assignRole(first.identity.servicePrincipalId, { role: "Contributor", scope });
      await cloud.assignRole(first.identity.servicePrincipalId, { role: "Contributor", scope });

      await expect(cloud.deleteIdentity(first.identity)).resolves.toBe("deleted");
      await expect(cloud.findIdentity(name)).resolves.toBeUndefined();
      await expect(cloud.deleteIdentity(first.identity)).resolves.toBe("absent");
    });
  });
}
