// One error envelope for every answer that is not a success (DESIGN.md):
// { "error": { "code", "message", "details", "traceId" } }. No stack trace ever leaves the gateway.
import { randomBytes } from "node:crypto";
import { currentTraceContext, isTraceparent, traceIdOf as traceIdFrom } from "@haymaker/cloudevents";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export interface ErrorDetail {
  path: string;
  reason: string;
}

/**
 * The trace id of the request: the trace it runs in (app.ts), else the one its traceparent names, else a
 * fresh one, so the answer can still be found in the logs.
 */
export function requestTraceId(c: Context): string {
  const trace = currentTraceContext();
  if (trace !== undefined) return traceIdFrom(trace.traceparent);
  const sent = c.req.header("traceparent");
  return isTraceparent(sent) ? traceIdFrom(sent) : randomBytes(16).toString("hex");
}

export function apiError(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  details: ErrorDetail[] = [],
): Response {
  return c.json({ error: { code, message, details, traceId: requestTraceId(c) } }, status);
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
