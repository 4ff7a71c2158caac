import { describe, expect, it } from "vitest";
import { parseArmPath } from "./path.ts";

const s = "/subscriptions/sub1";

describe("parseArmPath", () => {
  it("reads nested resources by id, tolerating the SDK's double slash and any casing", () => {
    expect(
      parseArmPath(
        `/${s}/resourcegroups/rg/providers/Microsoft.Storage/storageAccounts/a/blobServices/default/containers/c`,
      ),
    ).toEqual({
      kind: "resource",
      subscriptionId: "sub1",
      group: "rg",
      namespace: "Microsoft.Storage",
      chain: [
        ["storageAccounts", "a"],
        ["blobServices", "default"],
        ["containers", "c"],
      ],
    });
  });

  it("reads a trailing odd segment as an action when POSTed and as a child collection otherwise", () => {
    const account = `${s}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a`;
    expect(parseArmPath(`${account}/listKeys`, "POST")).toMatchObject({
      kind: "resource",
      chain: [["storageAccounts", "a"]],
      action: "listKeys",
    });
    expect(parseArmPath(`${account}/fileServices/default/shares`, "GET")).toEqual({
      kind: "childResources",
      subscriptionId: "sub1",
      group: "rg",
      namespace: "Microsoft.Storage",
      chain: [
        ["storageAccounts", "a"],
        ["fileServices", "default"],
      ],
      childType: "shares",
    });
    expect(parseArmPath(`${s}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts`)).toMatchObject({
      kind: "childResources",
      chain: [],
      childType: "storageAccounts",
    });
  });

  it("recognises groups, lists, the Activity Log and operation endpoints", () => {
    expect(parseArmPath(`${s}/resourceGroups`).kind).toBe("resourceGroups");
    expect(parseArmPath(`${s}/RESOURCEGROUPS/rg`)).toEqual({
      kind: "resourceGroup",
      subscriptionId: "sub1",
      group: "rg",
    });
    expect(parseArmPath(`${s}/resources`).kind).toBe("subscriptionResources");
    expect(parseArmPath(`${s}/resourceGroups/rg/resources`).kind).toBe("groupResources");
    expect(parseArmPath(`${s}/providers/microsoft.insights/eventtypes/management/values`).kind).toBe(
      "activityLog",
    );
    expect(parseArmPath(`${s}/operationresults/op1`)).toMatchObject({
      kind: "operationResult",
      operationId: "op1",
    });
    expect(parseArmPath(`${s}/providers/Microsoft.Resources/asyncOperations/op2`)).toMatchObject({
      kind: "operationStatus",
      operationId: "op2",
    });
  });

  it("decodes segments once and rejects what it does not serve", () => {
    expect(parseArmPath(`${s}/resourceGroups/rg%20one`)).toMatchObject({ group: "rg one" });
    // An escaped slash stays inside its segment, where the naming rules refuse it.
    expect(parseArmPath(`${s}/resourceGroups/rg%2Fescape`)).toMatchObject({
      kind: "resourceGroup",
      group: "rg/escape",
    });
    expect(parseArmPath(`${s}/resourceGroups/rg%252Fescape`)).toMatchObject({
      kind: "invalidUri",
      code: "InvalidDoubleEncodedRequestUri",
    });
    expect(parseArmPath(`${s}/resourceGroups/rg%E0%A4%A`)).toMatchObject({
      kind: "invalidUri",
      code: "InvalidRequestUri",
    });
    expect(parseArmPath("/tenants").kind).toBe("unknown");
    expect(parseArmPath(`${s}/resourceGroups/rg/providers/Microsoft.Storage`).kind).toBe("unknown");
  });

  it("finds role assignments and definitions at any scope, and providers", () => {
    const account = `${s}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a`;
    expect(parseArmPath(`${account}/providers/Microsoft.Authorization/roleAssignments/ra1`)).toEqual({
      kind: "roleAssignment",
      subscriptionId: "sub1",
      scope: account,
      scopeTarget: parseArmPath(account),
      name: "ra1",
    });
    expect(parseArmPath(`${s}/resourceGroups/rg/providers/microsoft.authorization/roleassignments`)).toEqual({
      kind: "roleAssignments",
      subscriptionId: "sub1",
      scope: `${s}/resourceGroups/rg`,
      scopeTarget: { kind: "resourceGroup", subscriptionId: "sub1", group: "rg" },
    });
    // A scope that is not a subscription, group or resource is not a scope at all.
    expect(parseArmPath(`${s}/bogus/providers/Microsoft.Authorization/roleAssignments/ra1`).kind).toBe(
      "unknown",
    );
    expect(parseArmPath("/providers/Microsoft.Authorization/roleDefinitions/r1")).toEqual({
      kind: "roleDefinition",
      scope: "",
      roleId: "r1",
    });
    expect(parseArmPath("/providers/Microsoft.Authorization/roleAssignments/x").kind).toBe("unknown");
    expect(parseArmPath(`${s}/providers/Microsoft.Storage`)).toEqual({
      kind: "provider",
      subscriptionId: "sub1",
      namespace: "Microsoft.Storage",
    });
    expect(parseArmPath(`${s}/providers/Microsoft.Storage/register`)).toMatchObject({ action: "register" });
    expect(parseArmPath(`${s}/providers`).kind).toBe("providers");
    expect(parseArmPath(`${s}`).kind).toBe("subscription");
    expect(parseArmPath("/subscriptions").kind).toBe("subscriptions");
  });
});
