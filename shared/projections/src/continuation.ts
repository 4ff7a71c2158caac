// Continuation tokens for lists paged by key (both projection adapters, and the gateway's dead-letter list):
// the last item's position in the list's order, tagged with the list it belongs to, as base64url JSON.
// Opaque to callers. A token that was tampered with or comes from another list is refused.
import { ProjectionQueryError } from "./errors.ts";

export type KeyPart = string | number;

export function encodeContinuation(list: string, after: readonly KeyPart[]): string {
  return Buffer.from(JSON.stringify({ list, after }), "utf8").toString("base64url");
}

/**
 * The key a token holds: `types` gives the type of each part (so `types.length` parts), and a token whose
 * parts differ throws ProjectionQueryError on "continuation".
 */
export function decodeContinuation(
  list: string,
  token: string,
  types: readonly ("string" | "number")[],
): KeyPart[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (typeof decoded !== "object" || decoded === null) throw invalid();
  const { list: tokenList, after } = decoded as { list?: unknown; after?: unknown };
  if (tokenList !== list || !Array.isArray(after) || after.length !== types.length) throw invalid();
  const fits = (part: unknown, index: number) =>
    typeof part === types[index] && (typeof part !== "number" || Number.isFinite(part));
  if (!after.every(fits)) throw invalid();
  return after as KeyPart[];
}

function invalid(): ProjectionQueryError {
  return new ProjectionQueryError(
    "continuation",
    "expected a continuation token from a previous page of this list",
  );
}
