import { basename } from "node:path";
import * as v from "valibot";
import { parseDocument } from "yaml";
import { describeValue, type Problem } from "../problems.ts";
import { childPath, type JsonValue } from "./json.ts";
import { scenarioProblems } from "./rules.ts";
import { secretProblems } from "./safety.ts";
import { ScenarioError } from "./scenario-error.ts";
import { type Scenario, ScenarioSchema } from "./schema.ts";

export const SCENARIO_FILE_EXTENSION = ".yaml";
/** Scenarios are a page or two of YAML; anything far larger is a mistake (or an alias bomb). */
export const MAX_SCENARIO_BYTES = 256 * 1024;

function issuePath(issue: v.BaseIssue<unknown>): string {
  let path = "";
  for (const item of issue.path ?? []) {
    const key: unknown = item.key;
    path = typeof key === "number" || typeof key === "string" ? childPath(path, key) : path;
  }
  return path;
}

function toProblem(issue: v.BaseIssue<unknown>): Problem {
  const path = issuePath(issue);
  const last = issue.path?.at(-1);
  const lastKey = typeof last?.key === "string" ? last.key : "";
  // Echo the value when one scalar was wrong; not for unknown keys (the path names them) or whole maps.
  const echo =
    issue.input !== undefined &&
    last?.origin !== "key" &&
    (typeof issue.input !== "object" || issue.input === null || Array.isArray(issue.input));
  return {
    path,
    reason: echo ? `${issue.message}, got ${describeValue(issue.input, lastKey)}` : issue.message,
  };
}

const PARSE_CONFIG = {
  abortPipeEarly: true,
  message: (issue: v.BaseIssue<unknown>) =>
    issue.input === undefined ? "is required" : `expected ${issue.expected ?? "a valid value"}`,
} as const;

function yamlProblems(yamlText: string): { value?: JsonValue; problems: Problem[] } {
  if (Buffer.byteLength(yamlText) > MAX_SCENARIO_BYTES) {
    return { problems: [{ path: "", reason: `expected at most ${MAX_SCENARIO_BYTES} bytes of YAML` }] };
  }
  const document = parseDocument(yamlText, { uniqueKeys: true, version: "1.2" });
  const [error] = document.errors;
  if (error) {
    // The first line says what and where ("... at line 3, column 5:"); the rest is a code excerpt.
    const reason = (error.message.split("\n")[0] ?? error.code).replace(/:$/, "");
    return { problems: [{ path: "", reason: `invalid YAML: ${reason}` }] };
  }
  try {
    return { value: document.toJS({ maxAliasCount: 50 }) as JsonValue, problems: [] };
  } catch (cause) {
    return { problems: [{ path: "", reason: `invalid YAML: ${(cause as Error).message}` }] };
  }
}

/**
 * Reads one scenario file's text. `fileName` is how errors name the file, and its base name without
 * ".yaml" must equal the scenario's id. Returns the typed scenario (defaults filled in) or throws a
 * ScenarioError listing every problem with its field path.
 */
export function parseScenario(yamlText: string, fileName: string): Scenario {
  const { value, problems } = yamlProblems(yamlText);
  const [first] = problems;
  if (first) throw new ScenarioError(fileName, [first, ...problems.slice(1)]);

  const all: Problem[] = [];
  const result = v.safeParse(ScenarioSchema, value, PARSE_CONFIG);
  if (result.success) {
    all.push(...scenarioProblems(result.output, basename(fileName, SCENARIO_FILE_EXTENSION)));
  } else {
    all.push(...result.issues.map(toProblem));
  }
  // Secrets anywhere, including places the schema does not look into (bodies, parameter values).
  const reported = new Set(all.map((problem) => problem.path));
  all.push(...secretProblems(value ?? null).filter((problem) => !reported.has(problem.path)));

  const [head, ...rest] = all;
  if (head) throw new ScenarioError(fileName, [head, ...rest]);
  if (!result.success) throw new Error("valibot reported failure without issues");
  return result.output;
}
