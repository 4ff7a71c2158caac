import { createHash, randomUUID } from "node:crypto";
import {
  DATA_CONTENT_TYPE,
  type EventDataInput,
  type EventName,
  type EventNameOf,
  type EventOf,
  type EventType,
  eventNameOf,
  eventType,
  parseEvent,
  SPEC_VERSION,
  subjectFor,
} from "@haymaker/contracts";
import { childTraceparent, currentTraceContext } from "./trace-context.ts";

export interface NewEventOptions<N extends EventName> {
  /** "/haymaker/<service>" */
  source: string;
  /**
   * Defaults to a random UUID. A handler that may be retried passes one derived from what it handles
   * (see deterministicEventId), so a retry re-publishes the same events rather than new ones.
   */
  id?: string;
  /** Defaults to runs/<runId>[/agents/<agentId>] from the data. */
  subject?: string;
  data: EventDataInput<N>;
  /** Defaults to data.runId; required for events about no run (a cleanup request by scenario). */
  correlationid?: string;
  /** The id of the event being handled, when this one is its consequence. */
  causationid?: string;
  traceparent?: string;
  tracestate?: string;
}

/** A UUID-shaped id that is the same every time for the same parts (a SHA-256 of them, version 8 UUID layout). */
export function deterministicEventId(...parts: string[]): string {
  const hex = createHash("sha256").update(parts.join("\u0000")).digest("hex");
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The options' own trace attributes, else a child of the trace the caller runs in (see trace-context.ts). */
function traceAttributes(options: { traceparent?: string; tracestate?: string }) {
  if (options.traceparent !== undefined) {
    return { traceparent: options.traceparent, tracestate: options.tracestate };
  }
  const trace = currentTraceContext();
  if (trace === undefined) return {};
  return { traceparent: childTraceparent(trace.traceparent), tracestate: trace.tracestate };
}

/**
 * A new, validated event: fills id (a random UUID), time (now), specversion and datacontenttype, and the
 * subject and correlation id from the data where not given. Throws the contracts' EnvelopeError or
 * EventDataError when something is invalid, so an invalid event is never built.
 */
export function newEvent<T extends EventName | EventType>(
  type: T,
  options: NewEventOptions<EventNameOf<T>>,
): EventOf<EventNameOf<T>> {
  const name = eventNameOf(type);
  const data = options.data as Record<string, unknown>;
  const runId = typeof data.runId === "string" ? data.runId : undefined;
  const agentId = typeof data.agentId === "string" ? data.agentId : undefined;
  const candidate = {
    specversion: SPEC_VERSION,
    id: options.id ?? randomUUID(),
    source: options.source,
    type: eventType(name),
    subject: options.subject ?? (runId === undefined ? undefined : subjectFor({ runId, agentId })),
    time: new Date().toISOString(),
    datacontenttype: DATA_CONTENT_TYPE,
    data,
    correlationid: options.correlationid ?? runId,
    causationid: options.causationid,
    ...traceAttributes(options),
  };
  // Leave absent attributes out rather than set to undefined, so the event round-trips unchanged.
  const event = Object.fromEntries(Object.entries(candidate).filter(([, value]) => value !== undefined));
  return parseEvent(event) as EventOf<EventNameOf<T>>;
}
