import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { RefreshingCatalogue } from "./refreshing-catalogue.ts";

const SCENARIOS = fileURLToPath(new URL("../../../scenarios", import.meta.url));

describe("RefreshingCatalogue", () => {
  it("reads a scenario added after start when an event asks for it, no more often than it is told", async () => {
    const directory = mkdtempSync(join(tmpdir(), "catalogue-"));
    cpSync(join(SCENARIOS, "nsg-rule-tuning.yaml"), join(directory, "nsg-rule-tuning.yaml"));
    const catalogue = await RefreshingCatalogue.open(directory, 50);
    expect([...catalogue.scenarios.keys()]).toEqual(["nsg-rule-tuning"]);
    const added = readFileSync(join(directory, "nsg-rule-tuning.yaml"), "utf8").replace(
      /^id: nsg-rule-tuning$/m,
      "id: nsg-rule-tuning-copy",
    );
    writeFileSync(join(directory, "nsg-rule-tuning-copy.yaml"), added);
    // Known ids never cost a read.
    expect((await catalogue.having(["nsg-rule-tuning"])).has("nsg-rule-tuning-copy")).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect((await catalogue.having(["nsg-rule-tuning-copy"])).has("nsg-rule-tuning-copy")).toBe(true);
    expect(catalogue.errors).toEqual([]);
  });

  it("does not read again within the interval, however often a missing id is asked for", async () => {
    const catalogue = await RefreshingCatalogue.open(SCENARIOS, 60_000);
    const before = catalogue.scenarios;
    expect(await catalogue.having(["no-such-scenario"])).toBe(before);
  });
});
