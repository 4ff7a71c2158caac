import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadScenarioCatalogue, type ScenarioCatalogue } from "./catalogue.ts";
import { fixtureYaml } from "./fixture.ts";
import { renderStep } from "./render.ts";
import { ScenarioError } from "./scenario-error.ts";
import { type OperateStep, TECHNOLOGY_AREAS } from "./schema.ts";
import { uniqueSuffix } from "./templates.ts";

const CATALOGUE = join(import.meta.dirname, "../../../scenarios");

describe("the scenario catalogue in scenarios/", () => {
  let scenarios: ScenarioCatalogue["scenarios"];
  let errors: ScenarioCatalogue["errors"];
  beforeAll(async () => {
    ({ scenarios, errors } = await loadScenarioCatalogue(CATALOGUE));
  });

  it("loads every file without errors", () => {
    expect(errors.map((error) => error.message)).toEqual([]);
  });

  it("has at least 12 scenarios across at least 6 technology areas", () => {
    expect(scenarios.size).toBeGreaterThanOrEqual(12);
    const areas = new Set([...scenarios.values()].map((scenario) => scenario.technologyArea));
    expect(areas.size).toBeGreaterThanOrEqual(6);
    for (const area of areas) expect(TECHNOLOGY_AREAS).toContain(area);
  });

  it("gives every scenario its own fictional company", () => {
    const companies = [...scenarios.values()].map((scenario) => scenario.company.name);
    expect(new Set(companies).size).toBe(companies.length);
  });

  it("lists every scenario in the README", async () => {
    const readme = await readFile(join(CATALOGUE, "README.md"), "utf8");
    for (const id of scenarios.keys()) expect(readme).toContain(`| \`${id}\` |`);
  });

  it("renders every step for a real agent to a request inside its resource group", () => {
    const group = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/hm-run-a01/providers/";
    for (const scenario of scenarios.values()) {
      const params = Object.fromEntries(
        Object.entries(scenario.parameters).map(([name, p]) => [name, p.default]),
      );
      const context = {
        run: "run-20261124-0600-k3f9",
        agent: "a01",
        unique: uniqueSuffix("run-20261124-0600-k3f9", "a01"),
        location: scenario.location,
        resourceGroup: "hm-run-a01",
        subscription: "11111111-2222-3333-4444-555555555555",
        tenant: "99999999-8888-7777-6666-555555555555",
        params,
      };
      for (const [phase, steps] of Object.entries(scenario.steps)) {
        for (const step of steps as OperateStep[]) {
          if (step.action === "pause") continue;
          const rendered = renderStep(step, { ...context, iteration: phase === "operate" ? 1 : undefined });
          expect(rendered.path.startsWith(group), `${scenario.id}: ${rendered.path}`).toBe(true);
          expect(JSON.stringify(rendered.body ?? {})).not.toContain("{{");
        }
      }
    }
  });
});

describe("loadScenarioCatalogue", () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "haymaker-scenarios-"));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("checks every file, keeps the good ones and reports the bad ones by file and field", async () => {
    await writeFile(join(directory, "fixture-scenario.yaml"), fixtureYaml());
    await writeFile(
      join(directory, "broken.yaml"),
      fixtureYaml((d) => (d.id = "broken")).replace("2023-05-01", "soon"),
    );
    await writeFile(join(directory, "misnamed.yaml"), fixtureYaml());
    await writeFile(join(directory, "legacy.yml"), fixtureYaml());
    await writeFile(join(directory, "README.md"), "# notes\n");
    await writeFile(join(directory, ".draft.yaml"), "not: [valid\n");

    const { scenarios, errors } = await loadScenarioCatalogue(directory);

    expect([...scenarios.keys()]).toEqual(["fixture-scenario"]);
    expect(errors).toHaveLength(3);
    for (const error of errors) expect(error).toBeInstanceOf(ScenarioError);
    expect(errors.map((error) => error.message.split("\n")[0])).toEqual([
      `${join(directory, "broken.yaml")}: steps.deploy[0].resource.apiVersion: expected a date-like API version such as 2023-05-01, got "soon"`,
      `${join(directory, "legacy.yml")}: expected the .yaml extension`,
      `${join(directory, "misnamed.yaml")}: id: expected "misnamed", the file name without ".yaml", got "fixture-scenario"`,
    ]);
  });

  it("throws when the directory cannot be read", async () => {
    await expect(loadScenarioCatalogue(join(directory, "missing"))).rejects.toThrow(/ENOENT/);
  });
});
