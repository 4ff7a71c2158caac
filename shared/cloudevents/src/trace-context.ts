// W3C trace context carried from an event (or an HTTP request) to the events its handling causes, without
// passing it through every function: whatever runs inside withTraceContext() — however deep, across awaits
// — gets a child traceparent on each newEvent() (same trace id, a new parent id), unless it sets one itself.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";

export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const current = new AsyncLocalStorage<TraceContext>();

/** A valid W3C traceparent (version 00 layout, trace and parent ids not all zeros), or false. */
export function isTraceparent(value: string | undefined): value is string {
  const match = value === undefined ? null : TRACEPARENT.exec(value);
  return match !== null && match[1] !== "ff" && !/^0+$/.test(match[2] ?? "") && !/^0+$/.test(match[3] ?? "");
}

/** The trace id inside a traceparent. */
export function traceIdOf(traceparent: string): string {
  return traceparent.split("-")[1] ?? "";
}

/** A traceparent for a new trace (sampled), or for a given trace id. */
export function newTraceparent(traceId = randomBytes(16).toString("hex")): string {
  return `00-${traceId}-${randomBytes(8).toString("hex")}-01`;
}

/** The same trace and flags with a new parent id: the span of the work that `parent` caused. */
export function childTraceparent(parent: string): string {
  const [, , traceId, , flags] = TRACEPARENT.exec(parent) ?? [];
  if (traceId === undefined || flags === undefined) throw new Error("not a W3C traceparent");
  return `00-${traceId}-${randomBytes(8).toString("hex")}-${flags}`;
}

/**
 * Runs `work` with `context` as the current trace: a context whose traceparent is missing or malformed
 * is ignored (the work runs with none, so events start no trace), never an error.
 */
export function withTraceContext<T>(context: Partial<TraceContext> | undefined, work: () => T): T {
  if (!isTraceparent(context?.traceparent)) return work();
  const trace: TraceContext = { traceparent: context.traceparent };
  if (context.tracestate !== undefined) trace.tracestate = context.tracestate;
  return current.run(trace, work);
}

/** The trace the current work belongs to, if any. */
export function currentTraceContext(): TraceContext | undefined {
  return current.getStore();
}
