// One error envelope for every answer that is not a success (DESIGN.md):
// { "error": { "code", "message", "details", "traceId" } }. No stack trace ever leaves the gateway.
import { randomBytes } from "node:crypto";
import { currentTraceContext, traceIdOf as traceIdFrom } from "@haymaker/cloudevents";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export interface ErrorDetail {
  path: string;
  reason: string;
}

/** The trace id of the request: its W3C traceparent's when it sent one (app.ts), else a fresh one. */
export function requestTraceId(): string {
  const trace = currentTraceContext();
  return trace === undefined ? randomBytes(16).toString("hex") : traceIdFrom(trace.traceparent);
}

export function apiError(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  details: ErrorDetail[] = [],
): Response {
  return c.json({ error: { code, message, details, traceId: requestTraceId() } }, status);
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
