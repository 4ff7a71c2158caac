import { describe, expect, it } from "vitest";
import type { ArmResource } from "../store/resource-store.ts";
import { parseFilter } from "./filter.ts";
import { resourceFilter } from "./tag-filter.ts";

const resource = (name: string, tags?: Record<string, string>): ArmResource => ({
  id: `/x/${name}`,
  name,
  type: "Microsoft.Storage/storageAccounts",
  properties: {},
  ...(tags ? { tags } : {}),
});

describe("filters", () => {
  it("parses and-joined clauses with quoted values", () => {
    expect(parseFilter("tagName eq 'a' AND tagValue eq 'it''s'")).toEqual([
      { field: "tagname", op: "eq", value: "a" },
      { field: "tagvalue", op: "eq", value: "it's" },
    ]);
    expect(parseFilter("substringof('a', name)")).toMatch(/Cannot parse/);
  });

  it("matches tag names case-insensitively and values exactly", () => {
    const match = resourceFilter("tagName eq 'Haymaker-Run' and tagValue eq 'r1'");
    if (typeof match === "string") throw new Error(match);
    expect(match(resource("a", { "haymaker-run": "r1" }))).toBe(true);
    expect(match(resource("b", { "haymaker-run": "R1" }))).toBe(false);
    expect(match(resource("c"))).toBe(false);
  });

  it("rejects unsupported fields", () => {
    expect(resourceFilter("location eq 'westeurope'")).toMatch(/not supported/);
  });
});
