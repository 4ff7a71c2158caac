// The broker's keys on disk: a JSON file of authorization rules, readable by its owner alone (0600), as a
// key must be. `{"rules":[{"name":"RootManageSharedAccessKey","key":"…","rights":["Manage"]},
// {"name":"agent-telemetry-send","key":"…","rights":["Send"],"entity":"agent-telemetry"}]}`.
// With a data directory and no file of the operator's own, the broker keeps its generated keys here, so
// connection strings handed out once keep working across restarts.
import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import * as v from "valibot";
import { type AuthorizationRule, RuleError, type RuleSpec, withNewKey } from "./rules.ts";

export const RULES_FILE_NAME = "authorization-rules.json";

const RulesFile = v.object({
  rules: v.array(
    v.object({
      name: v.string(),
      key: v.string(),
      rights: v.array(v.picklist(["Send", "Listen", "Manage"])),
      entity: v.optional(v.string()),
    }),
  ),
});

export function rulesFileIn(dataDirectory: string): string {
  return join(dataDirectory, RULES_FILE_NAME);
}

/** Reads a rules file, refusing one that others could read or that is not well formed. */
export function readRulesFile(file: string): AuthorizationRule[] {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(file);
  } catch {
    throw new RuleError(`the authorization rules file ${file} does not exist`);
  }
  if ((stat.mode & 0o077) !== 0)
    throw new RuleError(
      `the authorization rules file ${file} holds keys but others may read it (mode ${(stat.mode & 0o777).toString(8)}); run: chmod 600 ${file}`,
    );
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid)
    throw new RuleError(
      `the authorization rules file ${file} belongs to another user; keys must be your own`,
    );
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new RuleError(`the authorization rules file ${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = v.safeParse(RulesFile, json);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = v.getDotPath(issue) ?? "(top)";
    throw new RuleError(
      `the authorization rules file ${file}: ${path}: ${issue.message}; expected {"rules":[{"name","key","rights":["Send"|"Listen"|"Manage"],"entity"?}]}`,
    );
  }
  return parsed.output.rules;
}

/**
 * The rules in `file`, with every rule of `wanted` it lacks added under a fresh key (and the file created,
 * 0600, when there is none). Existing keys are never changed.
 */
export function ensureRulesFile(file: string, wanted: readonly RuleSpec[]): AuthorizationRule[] {
  const rules = existsSync(file) ? readRulesFile(file) : [];
  const missing = wanted.filter(
    (spec) => !rules.some((rule) => rule.name.toLowerCase() === spec.name.toLowerCase()),
  );
  if (missing.length === 0 && rules.length > 0) return rules;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const all = [...rules, ...missing.map(withNewKey)];
  writePrivately(file, `${JSON.stringify({ rules: all }, null, 2)}\n`);
  return all;
}

/** Writes through an exclusive temporary file made 0600 before any key is in it, then renames it into place. */
function writePrivately(file: string, text: string): void {
  const temporary = join(dirname(file), `.${RULES_FILE_NAME}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(temporary, "wx", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}
