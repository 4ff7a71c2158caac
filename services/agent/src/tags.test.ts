import { describe, expect, it } from "vitest";
import {
  AZURE_TAG_LIMIT,
  bodyWithTags,
  isTopLevelType,
  mergeTags,
  TagLimitError,
  type TagOwner,
} from "./tags.ts";

const owner: TagOwner = {
  runId: "run-20261124-0600-k3f9",
  agentId: "a01",
  scenarioId: "nsg-rule-tuning",
  runTags: { team: "detection-engineering" },
};

const haymaker = {
  "haymaker-managed": "true",
  "haymaker-run": "run-20261124-0600-k3f9",
  "haymaker-agent": "a01",
  "haymaker-scenario": "nsg-rule-tuning",
};

describe("HayMaker's tags on what an agent creates", () => {
  it("keeps the scenario's own tags and adds the run's and HayMaker's", () => {
    expect(mergeTags({ environment: "production", owner: "web" }, owner)).toEqual({
      environment: "production",
      owner: "web",
      team: "detection-engineering",
      ...haymaker,
    });
  });

  it("lets the run override a scenario tag and HayMaker's override both, ignoring name case as Azure does", () => {
    const merged = mergeTags({ Team: "scenario-team", "HayMaker-Run": "forged" }, owner);
    expect(merged).toEqual({ team: "detection-engineering", ...haymaker });
  });

  it("writes non-string tag values as text and skips maps and nulls", () => {
    expect(mergeTags({ costCenter: 42, nested: { a: "b" }, empty: null }, { ...owner, runTags: {} })).toEqual(
      {
        costCenter: "42",
        ...haymaker,
      },
    );
  });

  it("refuses more tags than Azure allows on one resource", () => {
    const many = Object.fromEntries(Array.from({ length: AZURE_TAG_LIMIT - 4 }, (_, i) => [`t${i}`, "v"]));
    expect(() => mergeTags(many, owner)).toThrow(TagLimitError);
    const fits = Object.fromEntries(Array.from({ length: AZURE_TAG_LIMIT - 5 }, (_, i) => [`t${i}`, "v"]));
    expect(Object.keys(mergeTags(fits, owner))).toHaveLength(AZURE_TAG_LIMIT);
  });

  it("tags every put of a top-level resource, even one whose body has no tags", () => {
    expect(
      bodyWithTags("put", "Microsoft.Network/networkSecurityGroups", { location: "westeurope" }, owner),
    ).toEqual({ location: "westeurope", tags: { team: "detection-engineering", ...haymaker } });
  });

  it("merges HayMaker's tags into a top-level patch that replaces tags, and leaves other patches alone", () => {
    const type = "Microsoft.KeyVault/vaults";
    expect(bodyWithTags("patch", type, { tags: { lastReview: "review-3" } }, owner)).toEqual({
      tags: { lastReview: "review-3", team: "detection-engineering", ...haymaker },
    });
    const noTags = { properties: { networkAcls: { defaultAction: "Deny" } } };
    expect(bodyWithTags("patch", type, noTags, owner)).toBe(noTags);
  });

  it("never tags nested resources, which go with their parent and often reject tags", () => {
    const body = { properties: { priority: 210 } };
    expect(bodyWithTags("put", "Microsoft.Network/networkSecurityGroups/securityRules", body, owner)).toBe(
      body,
    );
    expect(isTopLevelType("Microsoft.Storage/storageAccounts/blobServices/containers")).toBe(false);
    expect(isTopLevelType("Microsoft.Storage/storageAccounts")).toBe(true);
  });
});
