import * as v from "valibot";
import { describe, expect, it } from "vitest";
import {
  ArmIdSchema,
  ReportRefSchema,
  ResourceGroupNameSchema,
  RuntimeRefSchema,
  resourceGroupOf,
  SecretRefSchema,
} from "./azure-refs.ts";

const sub = "/subscriptions/11111111-2222-3333-4444-555555555555";

describe("secret references", () => {
  it.each([
    "https://haymaker-kv.vault.azure.net/secrets/run-1-a01",
    "https://haymaker-kv.vault.azure.net/secrets/run-1-a01/0123456789abcdef0123456789abcdef",
    "https://hm-kv.vault.azure.cn/secrets/x",
    "http://127.0.0.1:40123/secrets/run-1-a01",
    "local:run-1-a01",
    "local:run-1.a01_secret",
  ])("accepts %s", (ref) => {
    expect(v.is(SecretRefSchema, ref)).toBe(true);
  });

  it.each([
    "s3cr3t-value",
    "https://example.com/secrets/x",
    "https://haymaker-kv.vault.azure.net/keys/x",
    "https://haymaker-kv.vault.azure.net/secrets/x?api-version=7.4",
    "http://haymaker-kv.vault.azure.net/secrets/x",
    "http://10.0.0.5:8443/secrets/x",
    "http://127.0.0.1/secrets/x",
    "local:",
    "local:../x",
    "local:a/b",
  ])("rejects %s", (ref) => {
    expect(v.is(SecretRefSchema, ref)).toBe(false);
  });
});

describe("ARM ids", () => {
  it("accepts resource groups and resources inside them", () => {
    expect(v.is(ArmIdSchema, `${sub}/resourceGroups/rg-1`)).toBe(true);
    expect(
      v.is(ArmIdSchema, `${sub}/resourcegroups/rg-1/providers/Microsoft.Storage/storageAccounts/sa`),
    ).toBe(true);
    expect(
      v.is(
        ArmIdSchema,
        `${sub}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa/blobServices/default`,
      ),
    ).toBe(true);
  });

  it("rejects ids outside a resource group or malformed", () => {
    expect(v.is(ArmIdSchema, sub)).toBe(false);
    expect(v.is(ArmIdSchema, `${sub}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts`)).toBe(
      false,
    );
    expect(
      v.is(ArmIdSchema, `${sub}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a b`),
    ).toBe(false);
    expect(v.is(ArmIdSchema, `/subscriptions/not-a-guid/resourceGroups/rg`)).toBe(false);
  });

  it("finds the resource group of an id", () => {
    expect(resourceGroupOf(`${sub}/resourceGroups/RG-1/providers/Microsoft.Web/sites/x`)).toBe("rg-1");
    expect(resourceGroupOf("/providers/Microsoft.Authorization/roleDefinitions/x")).toBeUndefined();
  });

  it("validates resource group names", () => {
    expect(v.is(ResourceGroupNameSchema, "haymaker-run-1-a01")).toBe(true);
    expect(v.is(ResourceGroupNameSchema, "ends-with-dot.")).toBe(false);
    expect(v.is(ResourceGroupNameSchema, "x".repeat(91))).toBe(false);
  });
});

describe("runtime and report references", () => {
  it("accepts ARM ids and local names as runtimes", () => {
    expect(v.is(RuntimeRefSchema, `${sub}/resourceGroups/hm/providers/Microsoft.App/jobs/job-1`)).toBe(true);
    expect(v.is(RuntimeRefSchema, "local:agent-run-1-a01")).toBe(true);
    expect(v.is(RuntimeRefSchema, "pid:1234")).toBe(false);
  });

  it("accepts blob URLs without a query and local relative paths as reports", () => {
    expect(v.is(ReportRefSchema, "https://acct.blob.core.windows.net/reports/run-1/report.md")).toBe(true);
    expect(v.is(ReportRefSchema, "local:reports/run-1/report.json")).toBe(true);
    expect(v.is(ReportRefSchema, "http://127.0.0.1:10000/devstoreaccount1/reports/r.md")).toBe(true);
    expect(v.is(ReportRefSchema, "http://192.168.1.4:10000/devstoreaccount1/reports/r.md")).toBe(false);
    expect(v.is(ReportRefSchema, "http://acct.blob.core.windows.net/reports/r.md")).toBe(false);
    expect(v.is(ReportRefSchema, "https://acct.blob.core.windows.net/r.md?sv=2024&sig=abc")).toBe(false);
    expect(v.is(ReportRefSchema, "local:reports/../../etc")).toBe(false);
    expect(v.is(ReportRefSchema, "local:/etc/passwd")).toBe(false);
  });
});
