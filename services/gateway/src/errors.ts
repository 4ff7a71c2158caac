// One error envelope for every answer that is not a success (docs/architecture.md):
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

/** The one error envelope, for answers made without a request context too (serve.ts). */
export function errorEnvelope(code: string, message: string, details: ErrorDetail[], traceId: string) {
  return { error: { code, message, details, traceId } };
}

export function apiError(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  details: ErrorDetail[] = [],
): Response {
  return c.json(errorEnvelope(code, message, details, requestTraceId(c)), status);
}

/**
 * How deeply a request body's arrays and objects may nest. No route needs more than a handful of levels;
 * a body nested thousands deep would make JSON.stringify (and anything recursive after it) overflow the
 * stack, so it is refused before it is parsed.
 */
export const MAX_JSON_DEPTH = 32;

/** Whether `text`'s brackets outside strings nest deeper than `limit`; stops reading once they do. */
function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > limit) return true;
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return false;
}

/**
 * Whether `error` says the client went away while its request was still being read (Node's "aborted"): the
 * client's doing, not the gateway's, so it is neither logged as a failure nor answered 500.
 */
export function clientWentAway(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === "ECONNRESET";
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
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    return {
      ok: false,
      response: apiError(
        c,
        400,
        "InvalidJson",
        `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`,
      ),
    };
  }
  try {
    return { ok: true, value: text.trim() === "" ? {} : JSON.parse(text) };
  } catch {
    return { ok: false, response: apiError(c, 400, "InvalidJson", "The request body is not valid JSON.") };
  }
}
