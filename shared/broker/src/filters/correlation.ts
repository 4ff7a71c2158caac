// Correlation filters: every field the spec names must equal the message's value. Azure's topic-filter docs say
// string comparison is case-sensitive and multiple fields combine with AND. They say nothing explicit about a spec
// with no fields; a match "exists when an arriving message's value for a property is equal to the value specified",
// so with nothing specified nothing can match, and the SDKs refuse to send such a filter at all. An empty spec
// therefore matches no message, rather than silently turning into a catch-all.
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

export function compileCorrelation(spec: CorrelationFilterSpec): (m: FilterableMessage) => boolean {
  const checks: Check[] = [];
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
