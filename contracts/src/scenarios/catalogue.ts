import { readdir, readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import type { ScenarioId } from "../ids.ts";
import { parseScenario, SCENARIO_FILE_EXTENSION } from "./parse.ts";
import { ScenarioError } from "./scenario-error.ts";
import type { Scenario } from "./schema.ts";

export interface ScenarioCatalogue {
  /** Valid scenarios by id, in file name order. */
  readonly scenarios: ReadonlyMap<ScenarioId, Scenario>;
  /** One error per file that could not be used; those files are left out of `scenarios`. */
  readonly errors: readonly ScenarioError[];
}

/**
 * Reads every *.yaml file directly in `directory` (README.md and other files are ignored; a *.yml file is an
 * error, so a scenario is never silently skipped). Every file is checked, even after a bad one.
 * Throws only when the directory itself cannot be read.
 */
export async function loadScenarioCatalogue(directory: string): Promise<ScenarioCatalogue> {
  const entries = await readdir(directory, { withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith("."))
    .map((entry) => entry.name)
    .sort();
  const scenarios = new Map<ScenarioId, Scenario>();
  const errors: ScenarioError[] = [];
  for (const name of files) {
    const file = join(directory, name);
    const extension = extname(name);
    if (extension === ".yml") {
      errors.push(
        new ScenarioError(file, [{ path: "", reason: `expected the ${SCENARIO_FILE_EXTENSION} extension` }]),
      );
      continue;
    }
    if (extension !== SCENARIO_FILE_EXTENSION) continue;
    try {
      const scenario = parseScenario(await readFile(file, "utf8"), file);
      // Ids equal file names, so this cannot happen today; it keeps "one id, one file" true if that changes.
      if (scenarios.has(scenario.id)) {
        errors.push(
          new ScenarioError(file, [
            { path: "id", reason: `duplicate scenario id ${JSON.stringify(scenario.id)}` },
          ]),
        );
        continue;
      }
      scenarios.set(scenario.id, scenario);
    } catch (error) {
      if (error instanceof ScenarioError) errors.push(error);
      else
        errors.push(
          new ScenarioError(file, [{ path: "", reason: `could not read: ${(error as Error).message}` }]),
        );
    }
  }
  return { scenarios, errors };
}
