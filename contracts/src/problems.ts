import * as v from "valibot";
import { isSensitiveField, looksLikeSecret } from "./secrets.ts";

/** One thing wrong with an input: where (e.g. "data.duration") and what, safe to log. */
export interface Problem {
  readonly path: string;
  readonly reason: string;
}

const ECHO_LIMIT = 64;

/**
 * A short, log-safe rendering of a value for "got ..." in error messages: strings are quoted and cut to
 * 64 characters; values that look like secrets, or sit in fields named like secrets, are not shown.
 */
export function describeValue(value: unknown, field = ""): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "string") {
    if (isSensitiveField(field) || looksLikeSecret(value))
      return `a string of ${value.length} characters (not shown)`;
    if (value.length <= ECHO_LIMIT) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, ECHO_LIMIT))}... (${value.length} characters)`;
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return isSensitiveField(field) ? `a ${typeof value}` : String(value);
  }
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  if (value instanceof Date) return "a Date";
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function pathOf(root: string, issue: v.BaseIssue<unknown>): string {
  let path = root;
  for (const item of issue.path ?? []) {
    const key: unknown = item.key;
    if (typeof key === "number") path += `[${key}]`;
    else if (typeof key === "string" && IDENTIFIER.test(key)) path += path ? `.${key}` : key;
    else path += `[${describeValue(String(key))}]`;
  }
  return path;
}

function lastKey(issue: v.BaseIssue<unknown>): string {
  const key: unknown = issue.path?.at(-1)?.key;
  return typeof key === "string" ? key : "";
}

// A missing key, or a key set to undefined. (No path check: valibot builds the message before the
// enclosing object adds the path.)
function isMissingKey(issue: v.BaseIssue<unknown>): boolean {
  return issue.kind === "schema" && issue.input === undefined;
}

// Used for issues whose schema gave no message of its own (mostly type mismatches and missing keys).
function defaultReason(issue: v.BaseIssue<unknown>): string {
  return isMissingKey(issue) ? "is required" : `expected ${issue.expected ?? "a valid value"}`;
}

function toProblem(root: string, issue: v.BaseIssue<unknown>): Problem {
  const path = pathOf(root, issue);
  if (issue.path?.at(-1)?.origin === "key" && !isMissingKey(issue)) {
    return { path, reason: `invalid key: ${issue.message}` };
  }
  // A "got" part helps when a single value is wrong, not when a whole object failed a cross-field check.
  const echo =
    issue.input !== undefined &&
    (issue.kind === "schema" || typeof issue.input !== "object" || Array.isArray(issue.input));
  return {
    path,
    reason: echo ? `${issue.message}, got ${describeValue(issue.input, lastKey(issue))}` : issue.message,
  };
}

const PARSE_CONFIG = { abortPipeEarly: true, message: defaultReason } as const;

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: readonly [Problem, ...Problem[]] };

/** Validates input against a schema and turns valibot issues into log-safe problems rooted at `root`. */
export function check<TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  root: string,
): Checked<v.InferOutput<TSchema>> {
  const result = v.safeParse(schema, input, PARSE_CONFIG);
  if (result.success) return { ok: true, value: result.output };
  const [first, ...rest] = result.issues.map((issue) => toProblem(root, issue));
  if (!first) throw new Error("valibot reported failure without issues");
  return { ok: false, problems: [first, ...rest] };
}

/** "path: reason", plus how many more problems there are. */
export function summarize(problems: readonly [Problem, ...Problem[]]): string {
  const [first] = problems;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
  return `${first.path}: ${first.reason}${more}`;
}
