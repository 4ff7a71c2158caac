import { type CloudEvent, CloudEventSchema, subjectFor } from "./cloudevent.ts";
import { EnvelopeError, UnknownEventTypeError } from "./errors.ts";
import { type HayMakerEvent, isEventType, parseEventData } from "./events/registry.ts";
import { check, describeValue, type Problem } from "./problems.ts";

/** Validates a CloudEvents envelope whatever its type; data stays unchecked. Throws EnvelopeError. */
export function parseCloudEvent(input: unknown): CloudEvent {
  const result = check(CloudEventSchema, input, "");
  if (!result.ok) throw new EnvelopeError(result.problems);
  return result.value;
}

/**
 * Envelope rules that depend on the data (docs/architecture.md, events): correlationid is the run id, and the
 * subject, when there is one, names the run and agent the data is about.
 */
export function envelopeMismatch(event: CloudEvent): Problem | undefined {
  const { runId, agentId } = event.data;
  if (typeof runId !== "string") return undefined;
  if (event.correlationid !== runId) {
    return {
      path: "correlationid",
      reason: `expected the run id ${describeValue(runId)} of data.runId, got ${describeValue(event.correlationid)}`,
    };
  }
  const expected = subjectFor({ runId, agentId: typeof agentId === "string" ? agentId : undefined });
  if (event.subject !== undefined && event.subject !== expected) {
    return {
      path: "subject",
      reason: `expected ${describeValue(expected)}, got ${describeValue(event.subject)}`,
    };
  }
  return undefined;
}

/**
 * Validates a whole HayMaker event: envelope, known type, data against its schema, and the envelope's
 * agreement with the data. Returns it typed (unknown data keys dropped). Throws EnvelopeError,
 * UnknownEventTypeError or EventDataError.
 */
export function parseEvent(input: unknown): HayMakerEvent {
  const envelope = parseCloudEvent(input);
  if (!isEventType(envelope.type)) throw new UnknownEventTypeError(envelope.type);
  const event = { ...envelope, data: parseEventData(envelope.type, envelope.data) } as HayMakerEvent;
  const mismatch = envelopeMismatch(event);
  if (mismatch) throw new EnvelopeError([mismatch]);
  return event;
}
