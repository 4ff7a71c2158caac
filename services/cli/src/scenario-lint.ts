// Checks scenario files offline with the same parser the services load them with: every problem, with
// its file and field, so an author can fix them all in one go.
import { readFile, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import {
  loadScenarioCatalogue,
  parseScenario,
  SCENARIO_FILE_EXTENSION,
  ScenarioError,
} from "@haymaker/contracts";
import { usageError } from "./cli-error.ts";

export interface LintProblem {
  file: string;
  /** The field at fault, e.g. "steps.deploy[1].resource.apiVersion"; "" for the whole file. */
  path: string;
  reason: string;
}

export interface LintResult {
  /** The scenario files read, whether or not they had problems. */
  files: string[];
  /** The valid scenarios' ids. */
  scenarios: string[];
  problems: LintProblem[];
}

/** Lints files and directories (their *.yaml files, as the catalogue reads them). */
export async function lintScenarios(paths: string[]): Promise<LintResult> {
  const result: LintResult = { files: [], scenarios: [], problems: [] };
  for (const path of paths) {
    const kind = await kindOf(path);
    if (kind === "directory") await lintDirectory(path, result);
    else await lintFile(path, result);
  }
  return result;
}

async function kindOf(path: string): Promise<"file" | "directory"> {
  try {
    return (await stat(path)).isDirectory() ? "directory" : "file";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw usageError(`no such file or directory: ${path}`);
    throw usageError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

async function lintDirectory(directory: string, result: LintResult): Promise<void> {
  const catalogue = await loadScenarioCatalogue(directory);
  const bad = new Set(catalogue.errors.map((error) => error.file));
  for (const id of catalogue.scenarios.keys()) {
    result.files.push(join(directory, `${id}${SCENARIO_FILE_EXTENSION}`));
    result.scenarios.push(id);
  }
  result.files.push(...bad);
  for (const error of catalogue.errors) result.problems.push(...problemsOf(error));
  if (catalogue.scenarios.size === 0 && bad.size === 0) {
    result.problems.push({
      file: directory,
      path: "",
      reason: `no *${SCENARIO_FILE_EXTENSION} scenario files in it`,
    });
  }
}

async function lintFile(file: string, result: LintResult): Promise<void> {
  result.files.push(file);
  if (extname(file) !== SCENARIO_FILE_EXTENSION) {
    result.problems.push({ file, path: "", reason: `expected the ${SCENARIO_FILE_EXTENSION} extension` });
    return;
  }
  try {
    result.scenarios.push(parseScenario(await readFile(file, "utf8"), file).id);
  } catch (error) {
    if (error instanceof ScenarioError) result.problems.push(...problemsOf(error));
    else result.problems.push({ file, path: "", reason: `could not read: ${(error as Error).message}` });
  }
}

const problemsOf = (error: ScenarioError): LintProblem[] =>
  error.problems.map((problem) => ({ file: error.file, path: problem.path, reason: problem.reason }));
