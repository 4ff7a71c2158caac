import {
  CLOUDEVENT_ATTRIBUTES,
  type CloudEvent,
  DATA_CONTENT_TYPE,
  describeValue,
  EnvelopeError,
  EventDataError,
  type HayMakerEvent,
  parseCloudEvent,
  parseEvent,
  UnknownEventTypeError,
} from "@haymaker/contracts";
import { readJsonBody } from "./body.ts";
import { CloudEventDecodeError } from "./decode-error.ts";
import type { IncomingMessage } from "./messages.ts";
import { findProperty, propertyName } from "./property-names.ts";

/** A message's CloudEvent before validation, and how to name each attribute as the message carries it. */
interface RawEvent {
  readonly envelope: Record<string, unknown>;
  readonly fieldOf: (attribute: string) => string;
}

/** mediaType if contentType is it, with at most a UTF-8 charset parameter ("application/json; charset=utf-8"). */
function normalizeMediaType(contentType: string, mediaType: string): string | undefined {
  const [type = "", ...parameters] = contentType.split(";").map((part) => part.trim().toLowerCase());
  if (type !== mediaType) return undefined;
  const charsetOk = parameters.every(
    (parameter) => !parameter.startsWith("charset=") || /^charset="?utf-8"?$/.test(parameter),
  );
  return charsetOk ? mediaType : undefined;
}

const STRUCTURED_JSON = "application/cloudevents+json";

function isStructured(contentType: string | undefined): boolean {
  return contentType?.trim().toLowerCase().startsWith("application/cloudevents") ?? false;
}

// AMQP timestamps arrive as Dates, or as epoch milliseconds from @azure/service-bus receivers (which turn
// Dates in application properties into numbers unless told to skipConvertingDate); the canonical string
// form is accepted too (CloudEvents AMQP binding).
function timeValue(value: unknown): unknown {
  const date = typeof value === "number" && Number.isInteger(value) ? new Date(value) : value;
  if (!(date instanceof Date)) return value;
  return Number.isNaN(date.getTime()) ? "an invalid Date" : date.toISOString();
}

// Integers arrive as numbers (or bigints for AMQP longs), or as canonical strings.
function integerValue(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && /^\d{1,9}$/.test(value)) return Number(value);
  return value;
}

function readBinary(message: IncomingMessage): RawEvent {
  const properties = message.applicationProperties ?? {};
  const names = new Map<string, string>();
  const envelope: Record<string, unknown> = {};
  for (const attribute of CLOUDEVENT_ATTRIBUTES) {
    if (attribute === "data" || attribute === "datacontenttype") continue;
    const found = findProperty(properties, attribute);
    if (!found) continue;
    names.set(attribute, found.name);
    envelope[attribute] =
      attribute === "time"
        ? timeValue(found.value)
        : attribute === "replaycount"
          ? integerValue(found.value)
          : found.value;
  }
  // CloudEvents: without a content type, JSON is implied. Data is validated against its schema anyway.
  const contentType = message.contentType;
  envelope.datacontenttype =
    contentType === undefined
      ? DATA_CONTENT_TYPE
      : (normalizeMediaType(contentType, DATA_CONTENT_TYPE) ?? contentType);
  envelope.data = readJsonBody(message.body);
  return {
    envelope,
    fieldOf: (attribute) =>
      attribute === "datacontenttype"
        ? "contentType"
        : attribute === "data"
          ? "body"
          : (names.get(attribute) ?? propertyName(attribute)),
  };
}

function readStructured(message: IncomingMessage): RawEvent {
  const contentType = message.contentType ?? "";
  if (normalizeMediaType(contentType, STRUCTURED_JSON) === undefined) {
    throw new CloudEventDecodeError(
      "body",
      "contentType",
      `unsupported event format ${describeValue(contentType)}; expected ${STRUCTURED_JSON}`,
    );
  }
  const json = readJsonBody(message.body);
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new CloudEventDecodeError(
      "body",
      "body",
      `expected a JSON CloudEvent object, got ${describeValue(json)}`,
    );
  }
  const envelope = { ...(json as Record<string, unknown>) };
  if ("data_base64" in envelope) {
    throw new CloudEventDecodeError(
      "body",
      "data_base64",
      "binary data is not supported; HayMaker event data is JSON",
    );
  }
  // In the JSON event format datacontenttype may be left out; it then means JSON.
  const declared = envelope.datacontenttype;
  envelope.datacontenttype =
    declared === undefined
      ? DATA_CONTENT_TYPE
      : typeof declared === "string"
        ? (normalizeMediaType(declared, DATA_CONTENT_TYPE) ?? declared)
        : declared;
  return { envelope, fieldOf: (attribute) => attribute };
}

function readRaw(message: IncomingMessage): RawEvent {
  return isStructured(message.contentType) ? readStructured(message) : readBinary(message);
}

/** Re-raises a contracts validation error as a CloudEventDecodeError naming the field as the message has it. */
function translate(error: unknown, raw: RawEvent): never {
  if (error instanceof EnvelopeError) {
    const field = raw.fieldOf(error.attribute);
    const kind = field === "body" ? "body" : "attribute";
    throw new CloudEventDecodeError(kind, field, error.reason, { cause: error });
  }
  if (error instanceof UnknownEventTypeError) {
    throw new CloudEventDecodeError("unknown-type", raw.fieldOf("type"), error.reason, { cause: error });
  }
  if (error instanceof EventDataError) {
    throw new CloudEventDecodeError("data", error.path, error.reason, {
      eventType: error.eventType,
      cause: error,
    });
  }
  throw error;
}

/**
 * Reads a CloudEvent from a Service Bus message (binary or structured mode) and validates the envelope
 * only, for when the event type may be unknown (dead-letter tooling, the projector). Throws
 * CloudEventDecodeError.
 */
export function decodeEnvelope(message: IncomingMessage): CloudEvent {
  const raw = readRaw(message);
  try {
    return parseCloudEvent(raw.envelope);
  } catch (error) {
    translate(error, raw);
  }
}

/**
 * Reads a HayMaker event from a Service Bus message (binary or structured mode): envelope, known type,
 * data against the contract of its type. Throws CloudEventDecodeError.
 */
export function decodeEvent(message: IncomingMessage): HayMakerEvent {
  const raw = readRaw(message);
  try {
    return parseEvent(raw.envelope);
  } catch (error) {
    translate(error, raw);
  }
}
