import type { Problem } from "../problems.ts";

/**
 * A scenario file that cannot be used. The message names the file and each field at fault, one per line:
 * "scenarios/vm-patching.yaml: steps.deploy[1].resource.apiVersion: expected a date-like API version ...".
 */
export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
  readonly file: string;
  /** The first field at fault, e.g. "steps.deploy[1].resource.apiVersion"; "" for the whole file. */
  readonly path: string;
  readonly reason: string;
  readonly problems: readonly [Problem, ...Problem[]];

  constructor(file: string, problems: readonly [Problem, ...Problem[]]) {
    super(
      problems
        .map((problem) => `${file}: ${problem.path ? `${problem.path}: ` : ""}${problem.reason}`)
        .join("\n"),
    );
    this.file = file;
    this.problems = problems;
    this.path = problems[0].path;
    this.reason = problems[0].reason;
  }
}
