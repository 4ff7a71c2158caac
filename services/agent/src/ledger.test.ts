import { describe, expect, it } from "vitest";
import { ResourceLedger } from "./ledger.ts";

const group = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-a01";
const nsg = {
  resourceId: `${group}/providers/Microsoft.Network/networkSecurityGroups/nsg-1`,
  resourceType: "Microsoft.Network/networkSecurityGroups",
};
const rule = {
  resourceId: `${nsg.resourceId}/securityRules/allow-partner`,
  resourceType: "Microsoft.Network/networkSecurityGroups/securityRules",
};

describe("what the agent holds", () => {
  it("counts a put as a creation only when the resource was not already held", () => {
    const ledger = new ResourceLedger();
    expect(ledger.put(nsg)).toBe(true);
    expect(ledger.put({ ...nsg, resourceId: nsg.resourceId.toUpperCase() })).toBe(false);
    expect(ledger.createdCount).toBe(1);
  });

  it("lets children go with their parent, and a child come back after it was deleted", () => {
    const ledger = new ResourceLedger();
    ledger.put(nsg);
    ledger.put(rule);
    expect(ledger.delete(rule)).toEqual([rule]);
    expect(ledger.put(rule)).toBe(true);
    expect(ledger.delete(nsg)).toEqual([nsg, rule]);
    expect(ledger.remainingTopLevel()).toEqual([]);
    expect(ledger.deletedCount).toBe(3);
  });

  it("keeps top-level resources cleanup did not delete, including puts that may have succeeded", () => {
    const ledger = new ResourceLedger();
    ledger.put(rule);
    ledger.putUncertain(nsg);
    expect(ledger.remainingTopLevel()).toEqual([nsg]);
    ledger.delete(nsg);
    expect(ledger.remainingTopLevel()).toEqual([]);
  });
});
