import { describe, expect, it } from "vitest";
import { parseActivityFilter } from "./activity-filter.ts";
import { parseFilter } from "./filter.ts";
import { resourceGroupNameProblem, resourceNameProblem } from "./naming.ts";
import { ownerScopeProblem } from "./owner-scope.ts";
import { parseArmPath } from "./path.ts";
import { pathNameProblem } from "./path-names.ts";
import { sameId, scopeCovers } from "./scope.ts";

const sub = "/subscriptions/0f8fad5b-d9cb-469f-a165-70867728950e";

describe("naming rules", () => {
  it("accepts Unicode letters and digits in group names and refuses everything else", () => {
    expect(resourceGroupNameProblem("Ünïcødé_组-1.(a)")).toBeUndefined();
    expect(resourceGroupNameProblem("𠀀")).toBeUndefined(); // a letter outside the BMP (Lo)
    expect(resourceGroupNameProblem("rg/escape")?.message).toContain("invalid characters: '/'");
    expect(resourceGroupNameProblem("a%b c%")?.message).toContain("invalid characters: '% '");
    expect(resourceGroupNameProblem("①")?.code).toBe("InvalidResourceGroup"); // category No, not Nd
    expect(resourceGroupNameProblem("rg.")?.message).toContain("period");
  });

  it("refuses ARM's forbidden characters in resource names and nothing else", () => {
    expect(resourceNameProblem("any name, even (this) one!")).toBeUndefined();
    for (const c of ["<", ">", "%", "&", ":", "\\", "?", "/", "#", "\u0000", "\u007f"]) {
      expect(resourceNameProblem(`a${c}b`)?.code).toBe("InvalidResourceName");
    }
  });

  it("checks every segment of a path, a role assignment's scope included, outermost first", () => {
    const problem = (path: string, method = "GET") =>
      pathNameProblem(parseArmPath(path, method), method)?.code;
    expect(
      problem(`${sub}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1`),
    ).toBeUndefined();
    expect(problem(`${sub}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/St1`, "PUT")).toBe(
      "AccountNameInvalid",
    );
    expect(problem(`${sub}/resourceGroups/r%2Fg/providers/Micro$oft.Storage/a/b`)).toBe(
      "InvalidResourceGroup",
    );
    expect(problem(`${sub}/resourceGroups/rg/providers/Microsoft.Web/sites/a/config%2Fx/web`)).toBe(
      "InvalidResourceType",
    );
    expect(problem(`${sub}/resourceGroups/rg/providers/Microsoft.Web/sites/a/list-keys`, "POST")).toBe(
      "InvalidRequestUri",
    );
    expect(
      problem(`${sub}/resourceGroups/rg%2Fx/providers/Microsoft.Authorization/roleAssignments/ra1`),
    ).toBe("InvalidResourceGroup");
    expect(problem("/subscriptions/sub1/resourceGroups/rg")).toBe("InvalidSubscriptionId");
  });

  it("accepts only subscription and group scopes with valid names for bootstrap principals", () => {
    expect(ownerScopeProblem(sub)).toBeUndefined();
    expect(ownerScopeProblem(`${sub}/resourceGroups/rg`)).toBeUndefined();
    expect(ownerScopeProblem(`${sub}/resourceGroups/rg%2Fx`)).toContain("invalid characters");
    expect(ownerScopeProblem("/")).toContain("neither");
  });
});

describe("scopes", () => {
  it("compare whole segments, case-insensitively", () => {
    const group = `${sub}/resourceGroups/rg`;
    expect(
      scopeCovers([group], `${sub}/resourcegroups/RG/providers/Microsoft.Storage/storageAccounts/a`),
    ).toBe(true);
    expect(scopeCovers([group], `${sub}/resourceGroups/rg2`)).toBe(false);
    expect(scopeCovers([group], `${sub}/resourceGroups/rg-x`)).toBe(false);
    expect(scopeCovers([group], sub)).toBe(false);
    expect(scopeCovers([`${group}/`], group)).toBe(true);
    expect(scopeCovers([""], group)).toBe(true);
    expect(sameId(`/${group}/`, group.toUpperCase())).toBe(true);
    expect(sameId(group, `${group}2`)).toBe(false);
  });
});

describe("filters", () => {
  it("read clauses as a grammar, so quoted values may contain ' and '", () => {
    expect(parseFilter("caller eq 'a and b' and tagName eq 'x'")).toEqual([
      { field: "caller", op: "eq", value: "a and b" },
      { field: "tagname", op: "eq", value: "x" },
    ]);
    expect(parseFilter("caller eq 'a' or caller eq 'b'")).toMatch(/joined by 'and'/);
    expect(parseFilter("caller eq 'a' and")).toMatch(/Cannot parse/);
  });

  it("give the Activity Log one value per clause", () => {
    const from = "eventTimestamp ge '2024-01-01T00:00:00Z'";
    expect(parseActivityFilter(`${from} and resourceGroupName eq 'rg' and caller eq 'me'`)).toEqual({
      from: "2024-01-01T00:00:00.000Z",
      resourceGroupName: "rg",
      caller: "me",
    });
    expect(parseActivityFilter(`${from} and resourceGroupName eq 'a' and resourceGroupName eq 'b'`)).toMatch(
      /repeats its 'resourceGroupName'/,
    );
    expect(parseActivityFilter(`${from} and resourceUri eq 'a' and resourceId eq 'b'`)).toMatch(/repeats/);
    expect(parseActivityFilter(`${from} and correlationId eq 'a' and resourceProvider eq 'b'`)).toMatch(
      /at most one/,
    );
    expect(parseActivityFilter(`${from} and resourceGroupName eq 'a/b'`)).toMatch(/invalid characters/);
    expect(parseActivityFilter(`${from} and status eq 'Failed'`)).toMatch(/not supported/);
    expect(parseActivityFilter("resourceGroupName eq 'rg'")).toMatch(/eventTimestamp ge/);
  });
});
