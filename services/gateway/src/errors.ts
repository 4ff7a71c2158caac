// One error envelope for every answer that is not a success (DESIGN.md):
// { "error": { "code", "message", "details", "traceId" } }. No stack trace ever leaves the gateway.
import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export interface ErrorDetail {
  path: string;
  reason: string;
}

/** The trace id of the request: from its W3C traceparent when it sent one, else a fresh one. */
export function traceIdOf(c: Context): string {
  const match = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(
    c.req.header("traceparent") ?? "",
  );
  return match?.[1] ?? randomBytes(16).toString("hex");
}

export function apiError(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  details: ErrorDetail[] = [],
): Response {
  return c.json({ error: { code, message, details, traceId: traceIdOf(c) } }, status);
}

/** Reads a JSON body, or answers why it cannot. */
export async function jsonBody(
  c: Context,
): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    return {
      ok: false,
      response: apiError(
        c,
        415,
        "UnsupportedMediaType",
        "Send the request body as JSON (Content-Type: application/json).",
      ),
    };
  }
  const text = await c.req.text();
  try {
    return { ok: true, value: text.trim() === "" ? {} : JSON.parse(text) };
  } catch {
    return { ok: false, response: apiError(c, 400, "InvalidJson", "The request body is not valid JSON.") };
  }
}
