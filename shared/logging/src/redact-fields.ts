// The structural half of log redaction: values under credential-named keys (isSensitiveField: secret,
// password, token, *_CLIENT_SECRET, SharedAccessKey, AccountKey, sig, authorization…) are replaced at any
// depth, which pino's own redact paths cannot do (they match fixed depths only). Secret-shaped text in any
// value is the other half, done on the finished line (see index.ts).
import { isFactAboutSecret, isSensitiveField, REDACTED } from "@haymaker/contracts";
import { stdSerializers } from "pino";

/** Deeper than this, a log field is cut rather than walked: no log call needs it, and it bounds the work. */
const MAX_DEPTH = 10;

/**
 * A copy of a log call's fields with every credential-named key's value replaced. Errors become the plain
 * `{ type, message, stack, … }` pino writes (their own fields walked too); cycles and depth are cut.
 */
export function redactFields(value: unknown): unknown {
  return walk(value, 0, new WeakSet());
}

function walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[too deep]";
  if (value instanceof Error) return walk({ ...stdSerializers.err(value) }, depth, seen);
  if (ArrayBuffer.isView(value)) return value;
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === "function") return walk(withJson.toJSON(), depth, seen);
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1, seen));
    const copy: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      // null and undefined hold nothing either: the line shows the field was empty.
      const holdsNothing = field == null || isFactAboutSecret(field);
      copy[key] = isSensitiveField(key) && !holdsNothing ? REDACTED : walk(field, depth + 1, seen);
    }
    return copy;
  } finally {
    seen.delete(value);
  }
}
