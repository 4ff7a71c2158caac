// How reads answer: the JSON text once serialised, its hash as a strong ETag, 304 with no body when the
// client's If-None-Match holds that tag, and Cache-Control telling clients to revalidate (answers change
// with every event). Hashing the text the route already built costs a few microseconds, where hashing the
// finished Response would mean reading its body stream back.
import { hash } from "node:crypto";
import type { Context } from "hono";

const REVALIDATE = "private, no-cache";

function matches(tag: string, ifNoneMatch: string | undefined): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === "*") return true;
  return ifNoneMatch.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === tag);
}

/** A 200 answer of `text` (already JSON unless `contentType` says otherwise), or 304 when unchanged. */
export function readAnswerText(c: Context, text: string, contentType = "application/json"): Response {
  const tag = `"${hash("sha1", text, "base64url")}"`;
  if (matches(tag, c.req.header("if-none-match"))) {
    return c.body(null, 304, { etag: tag, "cache-control": REVALIDATE });
  }
  return c.body(text, 200, {
    "content-type": `${contentType}; charset=utf-8`,
    etag: tag,
    "cache-control": REVALIDATE,
  });
}

/** A 200 JSON answer with its ETag, or 304 when the client has it already. */
export function readAnswer(c: Context, body: unknown): Response {
  return readAnswerText(c, JSON.stringify(body));
}
