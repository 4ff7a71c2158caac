// Continuation tokens for adapters that page by key (SQLite): the last item's position in the list's order,
// tagged with the list it belongs to, as base64url JSON. Opaque to callers; a Cosmos DB adapter passes the
// SDK's own token instead. A token that was tampered with or comes from another list is refused.
import { ProjectionQueryError } from "./errors.ts";

export type KeyPart = string | number;

export function encodeContinuation(list: string, after: readonly KeyPart[]): string {
  return Buffer.from(JSON.stringify({ list, after }), "utf8").toString("base64url");
}

export function decodeContinuation(list: string, token: string, parts: number): KeyPart[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (typeof decoded !== "object" || decoded === null) throw invalid();
  const { list: tokenList, after } = decoded as { list?: unknown; after?: unknown };
  if (tokenList !== list || !Array.isArray(after) || after.length !== parts) throw invalid();
  if (!after.every((part) => typeof part === "string" || (typeof part === "number" && Number.isFinite(part))))
    throw invalid();
  return after as KeyPart[];
}

function invalid(): ProjectionQueryError {
  return new ProjectionQueryError(
    "continuation",
    "expected a continuation token from a previous page of this list",
  );
}
