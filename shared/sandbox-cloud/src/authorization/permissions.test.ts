import { describe, expect, it } from "vitest";
import { builtInRole } from "./built-in-roles.ts";
import { actionMatches, roleAllows } from "./permissions.ts";

describe("RBAC action matching", () => {
  it("matches wildcards across segments, case-insensitively", () => {
    expect(actionMatches("*/read", "Microsoft.Storage/storageAccounts/read")).toBe(true);
    expect(actionMatches("*/read", "Microsoft.Storage/storageAccounts/write")).toBe(false);
    expect(
      actionMatches("Microsoft.Authorization/*/Write", "microsoft.authorization/roleAssignments/write"),
    ).toBe(true);
    expect(
      actionMatches(
        "Microsoft.Storage/storageAccounts/*",
        "Microsoft.Storage/storageAccounts/listKeys/action",
      ),
    ).toBe(true);
    expect(actionMatches("Microsoft.Storage/storageAccounts/*", "Microsoft.StorageSync/x/read")).toBe(false);
    expect(actionMatches("Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/vaults/read")).toBe(false);
  });

  it("lets NotActions subtract from Actions", () => {
    const contributor = builtInRole("B24988AC-6180-42A0-AB88-20F7382DD24C");
    if (contributor === undefined) throw new Error("Contributor missing");
    expect(roleAllows(contributor, "Microsoft.Network/virtualNetworks/write")).toBe(true);
    expect(roleAllows(contributor, "Microsoft.Authorization/roleAssignments/write")).toBe(false);
    expect(roleAllows(contributor, "Microsoft.Authorization/roleAssignments/read")).toBe(true);
  });
});
