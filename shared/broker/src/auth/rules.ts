// Shared access authorization rules, as a Service Bus namespace has them: each a name, a key and rights, at
// namespace level (every entity) or on one queue or topic (that entity, its subscriptions and their
// dead-letter queues). Manage implies Send and Listen, as in Azure.
import { randomBytes } from "node:crypto";

export type AccessRight = "Send" | "Listen" | "Manage";

export interface AuthorizationRule {
  /** Service Bus calls it the key name (`SharedAccessKeyName`, `skn` in a token). */
  name: string;
  /** The primary key: the secret a client signs its tokens with. */
  key: string;
  rights: readonly AccessRight[];
  /** A queue or topic name for an entity-level rule; absent for a namespace-level one. */
  entity?: string;
}

/** A rule to have, before it has a key. */
export interface RuleSpec {
  name: string;
  rights: readonly AccessRight[];
  entity?: string;
}

/** The rule Azure creates with every namespace, and the one `make run` and the CLI hand out. */
export const ROOT_RULE_NAME = "RootManageSharedAccessKey";
export const ROOT_RULE: RuleSpec = { name: ROOT_RULE_NAME, rights: ["Manage", "Send", "Listen"] };

const RIGHTS: readonly AccessRight[] = ["Send", "Listen", "Manage"];
// Azure's rule names: letters, digits, '.', '-', '_', at most 256 characters.
const RULE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/;

export class RuleError extends Error {
  override name = "RuleError";
}

/** A random key as Azure generates them: 32 bytes, base64. */
export function generateKey(): string {
  return randomBytes(32).toString("base64");
}

/** The rule `spec` describes, under a freshly generated key. */
export function withNewKey(spec: RuleSpec): AuthorizationRule {
  return { ...spec, rights: [...spec.rights], key: generateKey() };
}

export function effectiveRights(rule: AuthorizationRule): ReadonlySet<AccessRight> {
  return new Set<AccessRight>(rule.rights.includes("Manage") ? RIGHTS : rule.rights);
}

/**
 * Checks rules before the broker serves with them: names well formed and unique (a token or a SASL PLAIN
 * login names its rule by name alone), keys long enough to resist guessing, rights known, entities existing.
 */
export function validateRules(
  rules: readonly AuthorizationRule[],
  entityExists: (name: string) => boolean,
): void {
  if (rules.length === 0)
    throw new RuleError("at least one authorization rule is needed, or none to get the default");
  const seen = new Set<string>();
  for (const rule of rules) {
    const where = `authorization rule "${String(rule.name).slice(0, 60)}"`;
    if (typeof rule.name !== "string" || !RULE_NAME.test(rule.name))
      throw new RuleError(`${where}: the name must be 1-256 letters, digits, '.', '-' or '_'`);
    if (seen.has(rule.name.toLowerCase()))
      throw new RuleError(`${where}: the name is used twice; rule names must be unique`);
    seen.add(rule.name.toLowerCase());
    if (typeof rule.key !== "string" || rule.key.length < 32 || /[\s;]/.test(rule.key))
      throw new RuleError(
        `${where}: the key must be at least 32 characters without spaces or ';' (a generated one is 44)`,
      );
    if (
      !Array.isArray(rule.rights) ||
      rule.rights.length === 0 ||
      rule.rights.some((r) => !RIGHTS.includes(r))
    )
      throw new RuleError(`${where}: rights must be a non-empty list of Send, Listen and Manage`);
    if (rule.entity !== undefined && !entityExists(rule.entity))
      throw new RuleError(`${where}: entity "${rule.entity}" is not a queue or topic of this namespace`);
  }
}
