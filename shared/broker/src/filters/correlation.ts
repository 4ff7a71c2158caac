// Correlation filters: every field the spec names must equal the message's value. Azure's topic-filter docs say
// string comparison is case-sensitive and that several fields combine with AND. They do not address a spec with
// no fields at all. They define a match as existing "when an arriving message's value for a property is equal to
// the value specified in the correlation filter", which cannot happen when nothing is specified; clients also
// avoid sending one (.NET's CorrelationRuleFilter(string) rejects an empty id, the Rust SDK refuses an empty
// filter). So an empty spec matches no message instead of silently becoming a catch-all.
import type { FilterableMessage, SystemProperties } from "./message.ts";
import { equalValues } from "./values.ts";

export interface CorrelationFilterSpec {
  correlationId?: string;
  messageId?: string;
  to?: string;
  replyTo?: string;
  /** Subject. */
  label?: string;
  sessionId?: string;
  replyToSessionId?: string;
  contentType?: string;
  /** Application properties, matched by exact key with type-aware equality (5 matches 5 and 5n, not "5"). */
  properties?: Record<string, string | number | boolean>;
}

const SYSTEM_FIELDS = [
  "correlationId",
  "messageId",
  "to",
  "replyTo",
  "label",
  "sessionId",
  "replyToSessionId",
  "contentType",
] as const satisfies readonly (keyof CorrelationFilterSpec & keyof SystemProperties)[];

type Check = (m: FilterableMessage) => boolean;

export function compileCorrelation(given: CorrelationFilterSpec): (m: FilterableMessage) => boolean {
  const checks: Check[] = [];
  // Specs come from config files and management requests; a missing one is as empty as {}.
  const spec: CorrelationFilterSpec = given ?? {};
  for (const field of SYSTEM_FIELDS) {
    const expected = spec[field];
    if (expected == null) continue;
    checks.push((m) => m.system[field] === expected);
  }
  for (const [key, expected] of Object.entries(spec.properties ?? {})) {
    if (expected == null) continue;
    checks.push((m) => Object.hasOwn(m.user, key) && equalValues(m.user[key], expected) === true);
  }
  if (checks.length === 0) return () => false;
  return (m) => {
    for (const check of checks) if (!check(m)) return false;
    return true;
  };
}
