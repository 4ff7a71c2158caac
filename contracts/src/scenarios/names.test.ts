import { describe, expect, it } from "vitest";
import { armRequestPath, expectedNameCount, resourceNameProblem } from "./names.ts";
import { TemplateError } from "./templates.ts";

const CONTAINERS = "Microsoft.Storage/storageAccounts/blobServices/containers";
const scope = { subscription: "11111111-2222-3333-4444-555555555555", resourceGroup: "hm-k3f9-a01" };
const GROUP = `/subscriptions/${scope.subscription}/resourceGroups/${scope.resourceGroup}/providers`;

describe("resourceNameProblem", () => {
  it("wants one name per type segment, one fewer for a list", () => {
    expect(expectedNameCount(CONTAINERS, "put")).toBe(3);
    expect(expectedNameCount(CONTAINERS, "list")).toBe(2);
    expect(resourceNameProblem(CONTAINERS, "st1abc/default/logs", "put")).toBeUndefined();
    expect(resourceNameProblem(CONTAINERS, "st1abc/default", "list")).toBeUndefined();
    expect(resourceNameProblem("Microsoft.Network/publicIPAddresses", undefined, "list")).toBeUndefined();
    expect(resourceNameProblem(CONTAINERS, "st1abc/logs", "put")).toMatch(/expected 3 "\/"-separated names/);
    expect(resourceNameProblem(CONTAINERS, undefined, "list")).toMatch(/name of the parent/);
    expect(resourceNameProblem("Microsoft.Network/publicIPAddresses", "pip", "list")).toMatch(
      /takes no name/,
    );
    expect(resourceNameProblem("Microsoft.Network/publicIPAddresses", undefined, "get")).toBe(
      "expected a name",
    );
  });

  it("applies the storage account, Key Vault and registry rules to their own segment only", () => {
    expect(resourceNameProblem("Microsoft.Storage/storageAccounts", "St-1", "get")).toMatch(/3-24 lowercase/);
    expect(resourceNameProblem("Microsoft.Storage/storageAccounts", "a".repeat(25), "get")).toMatch(
      /3-24 lowercase/,
    );
    expect(resourceNameProblem(CONTAINERS, "Bad/default/logs", "get")).toMatch(
      /\(name 1, for storageAccounts\)/,
    );
    expect(resourceNameProblem(CONTAINERS, "good1/default/Logs_2024.x", "get")).toBeUndefined();
    expect(resourceNameProblem("Microsoft.KeyVault/vaults", "1vault", "get")).toMatch(
      /starting with a letter/,
    );
    expect(resourceNameProblem("Microsoft.KeyVault/vaults", "kv--x", "get")).toMatch(/single hyphens/);
    expect(resourceNameProblem("Microsoft.ContainerRegistry/registries", "my-registry", "get")).toMatch(
      /no hyphens/,
    );
    expect(resourceNameProblem("Microsoft.Web/sites", "a".repeat(65), "get")).toMatch(/1-64 letters/);
  });

  it.each(["/subscriptions/x/resourceGroups/y", "x/providers/Microsoft.Web/sites/y", "/st1"])(
    "refuses the absolute %j",
    (name) => {
      expect(resourceNameProblem("Microsoft.Storage/storageAccounts", name, "get")).toMatch(
        /relative to the agent's resource group/,
      );
    },
  );

  it.each(["..", "."])("refuses %j as a name", (name) => {
    expect(resourceNameProblem("Microsoft.Web/sites", name, "get")).toMatch(/is not a resource name/);
  });
});

describe("armRequestPath", () => {
  it("addresses a resource, a collection or an action inside the agent's group", () => {
    expect(armRequestPath(scope, { action: "get", type: CONTAINERS, name: "st1abc/default/logs" })).toBe(
      `${GROUP}/Microsoft.Storage/storageAccounts/st1abc/blobServices/default/containers/logs`,
    );
    expect(armRequestPath(scope, { action: "list", type: CONTAINERS, name: "st1abc/default" })).toBe(
      `${GROUP}/Microsoft.Storage/storageAccounts/st1abc/blobServices/default/containers`,
    );
    expect(armRequestPath(scope, { action: "list", type: "Microsoft.Compute/snapshots" })).toBe(
      `${GROUP}/Microsoft.Compute/snapshots`,
    );
    expect(
      armRequestPath(scope, {
        action: "post",
        type: "Microsoft.Storage/storageAccounts",
        name: "st1abc",
        operation: "regenerateKey",
      }),
    ).toBe(`${GROUP}/Microsoft.Storage/storageAccounts/st1abc/regenerateKey`);
  });

  it("refuses a name that would leave the group", () => {
    expect(() =>
      armRequestPath(scope, { action: "delete", type: "Microsoft.Web/sites", name: "../../x" }),
    ).toThrow(TemplateError);
    expect(() => armRequestPath(scope, { action: "post", type: "Microsoft.Web/sites", name: "x" })).toThrow(
      /needs an operation/,
    );
  });
});
