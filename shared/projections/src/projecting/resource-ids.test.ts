import { describe, expect, it } from "vitest";
import { resourceRecordId, resourceTypeOf } from "./resource-ids.ts";

const GROUP = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/haymaker-run-1-a01";

describe("resource ids", () => {
  it("names one record per resource whatever the casing of its ARM id", () => {
    const id = `${GROUP}/providers/Microsoft.Storage/storageAccounts/sta01`;
    expect(resourceRecordId(id)).toMatch(/^res-[0-9a-f]{32}$/);
    expect(resourceRecordId(id.toUpperCase())).toBe(resourceRecordId(id));
    expect(resourceRecordId(`${id}x`)).not.toBe(resourceRecordId(id));
  });

  it.each([
    [`${GROUP}/providers/Microsoft.Storage/storageAccounts/sta01`, "Microsoft.Storage/storageAccounts"],
    [`${GROUP}/providers/Microsoft.Sql/servers/sql1/databases/db1`, "Microsoft.Sql/servers/databases"],
    [GROUP, "Microsoft.Resources/resourceGroups"],
  ])("reads the type of %s", (id, type) => {
    expect(resourceTypeOf(id)).toBe(type);
  });
});
