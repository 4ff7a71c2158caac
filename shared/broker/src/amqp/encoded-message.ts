// An AMQP message as the broker keeps it: the sender's bytes, split into the sections the broker rewrites
// on every delivery (header, message annotations) and the "bare message" it passes on untouched
// (properties, application properties, body, footer). Keeping the bytes rather than a decoded object
// preserves every AMQP type a client chose, whichever SDK sent it.
import { rheaMessage, type Typed, types } from "./rhea.ts";

const HEADER = 0x70;
const DELIVERY_ANNOTATIONS = 0x71;
const MESSAGE_ANNOTATIONS = 0x72;
const PROPERTIES = 0x73;
const APPLICATION_PROPERTIES = 0x74;

export class MalformedMessageError extends Error {
  override name = "MalformedMessageError";
}

/** The fields of the AMQP properties section and a few annotations that filters and the broker read. */
export interface MessageFacts {
  messageId?: unknown;
  correlationId?: unknown;
  to?: string;
  replyTo?: string;
  subject?: string;
  contentType?: string;
  groupId?: string;
  replyToGroupId?: string;
  ttlMs?: number;
  priority?: number;
  scheduledEnqueueTime?: number;
  partitionKey?: string;
  applicationProperties: Record<string, unknown>;
}

export interface EncodedMessage {
  /** The sender's message-annotations section, raw, or undefined. */
  annotations: Buffer | undefined;
  /** Properties, application properties, body and footer: passed on byte for byte. */
  bare: Buffer;
  facts: MessageFacts;
}

function descriptorCode(section: Typed): number | undefined {
  const value = section.descriptor?.value;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  return undefined;
}

/** Splits a transfer's payload into the parts above. Throws MalformedMessageError on bytes that are not AMQP sections. */
export function parseMessage(payload: Buffer): EncodedMessage {
  const reader = new types.Reader(payload);
  let annotations: Buffer | undefined;
  let bareStart = payload.length;
  let ttlMs: number | undefined;
  let priority: number | undefined;
  try {
    while (reader.remaining()) {
      const start: number = reader.position;
      const section: Typed = reader.read();
      const code = descriptorCode(section);
      if (code === undefined) throw new MalformedMessageError("a message section has no descriptor");
      if (code === HEADER) {
        // rhea flattens the header's fields onto the decoded message.
        const header = rheaMessage.decode(payload.subarray(start, reader.position));
        ttlMs = header.ttl ?? undefined;
        priority = header.priority ?? undefined;
      } else if (code === MESSAGE_ANNOTATIONS) {
        annotations = payload.subarray(start, reader.position);
      } else if (code === DELIVERY_ANNOTATIONS) {
        // Delivery annotations are hop-by-hop: they are not passed on.
      } else {
        bareStart = start;
        break;
      }
    }
  } catch (error) {
    if (error instanceof MalformedMessageError) throw error;
    throw new MalformedMessageError(`the message could not be decoded: ${(error as Error).message}`);
  }
  const bare = Buffer.from(payload.subarray(bareStart));
  const copiedAnnotations = annotations ? Buffer.from(annotations) : undefined;
  return { annotations: copiedAnnotations, bare, facts: readFacts(copiedAnnotations, bare, ttlMs, priority) };
}

function readFacts(
  annotations: Buffer | undefined,
  bare: Buffer,
  ttlMs: number | undefined,
  priority: number | undefined,
): MessageFacts {
  // rhea flattens the properties section's fields onto the decoded message.
  const props = rheaMessage.decode(annotations ? Buffer.concat([annotations, bare]) : bare);
  const decoded = props;
  const ann = decoded.message_annotations ?? {};
  const scheduled = ann["x-opt-scheduled-enqueue-time"];
  return {
    messageId: props.message_id ?? undefined,
    correlationId: props.correlation_id ?? undefined,
    to: props.to ?? undefined,
    replyTo: props.reply_to ?? undefined,
    subject: props.subject ?? undefined,
    contentType: props.content_type ?? undefined,
    groupId: props.group_id ?? undefined,
    replyToGroupId: props.reply_to_group_id ?? undefined,
    ttlMs,
    priority,
    scheduledEnqueueTime:
      scheduled instanceof Date ? scheduled.getTime() : typeof scheduled === "number" ? scheduled : undefined,
    partitionKey: typeof ann["x-opt-partition-key"] === "string" ? ann["x-opt-partition-key"] : undefined,
    applicationProperties: decoded.application_properties ?? {},
  };
}

/** What the broker stamps on a message each time it hands it out. */
export interface DeliveryStamp {
  sequenceNumber: number;
  enqueuedTime: number;
  deliveryCount: number;
  lockedUntil?: number;
  deadLetterSource?: string;
  state?: "active" | "deferred" | "scheduled";
  ttlMs?: number;
  priority?: number;
}

const STATE_CODE = { active: 0, deferred: 1, scheduled: 2 } as const;
const BROKER_KEYS = new Set([
  "x-opt-sequence-number",
  "x-opt-enqueued-time",
  "x-opt-locked-until",
  "x-opt-deadletter-source",
  "x-opt-message-state",
]);

/** The bytes of one delivery: a fresh header and annotations in front of the sender's bare message. */
export function encodeDelivery(message: EncodedMessage, stamp: DeliveryStamp): Buffer {
  const writer = new types.Writer();
  writer.write(
    types.described(
      types.wrap_ulong(HEADER),
      types.List32([
        types.True(),
        types.wrap_ubyte(stamp.priority ?? 4),
        stamp.ttlMs === undefined ? types.Null() : types.wrap_uint(stamp.ttlMs),
        types.wrap_boolean(stamp.deliveryCount === 0),
        types.wrap_uint(stamp.deliveryCount),
      ]),
    ),
  );
  const entries: Typed[] = senderAnnotationEntries(message.annotations);
  entries.push(types.wrap_symbol("x-opt-sequence-number"), types.wrap_long(stamp.sequenceNumber));
  entries.push(types.wrap_symbol("x-opt-enqueued-time"), types.wrap_timestamp(stamp.enqueuedTime));
  if (stamp.lockedUntil !== undefined) {
    entries.push(types.wrap_symbol("x-opt-locked-until"), types.wrap_timestamp(stamp.lockedUntil));
  }
  if (stamp.deadLetterSource !== undefined) {
    entries.push(types.wrap_symbol("x-opt-deadletter-source"), types.wrap_string(stamp.deadLetterSource));
  }
  if (stamp.state !== undefined) {
    entries.push(types.wrap_symbol("x-opt-message-state"), types.wrap_int(STATE_CODE[stamp.state]));
  }
  writer.write(types.described(types.wrap_ulong(MESSAGE_ANNOTATIONS), types.Map32(entries)));
  return Buffer.concat([writer.toBuffer(), message.bare]);
}

function senderAnnotationEntries(annotations: Buffer | undefined): Typed[] {
  if (!annotations) return [];
  const section: Typed = new types.Reader(annotations).read();
  const items = (section.value as Typed[]) ?? [];
  const kept: Typed[] = [];
  for (let i = 0; i + 1 < items.length; i += 2) {
    const key = items[i] as Typed;
    if (!BROKER_KEYS.has(String(key.value))) kept.push(key, items[i + 1] as Typed);
  }
  return kept;
}

/**
 * A copy of the message whose application properties are updated: `set` entries are written (plain values,
 * typed by rhea's inference; Typed values kept as they are), `remove` keys dropped. Existing entries keep
 * their AMQP types.
 */
export function withApplicationProperties(
  message: EncodedMessage,
  set: Record<string, unknown>,
  remove: readonly string[] = [],
): EncodedMessage {
  const reader = new types.Reader(message.bare);
  const before: Buffer[] = [];
  let existing: Typed[] = [];
  let rest = message.bare.length;
  while (reader.remaining()) {
    const start: number = reader.position;
    const section: Typed = reader.read();
    const code = descriptorCode(section);
    if (code === PROPERTIES) {
      before.push(message.bare.subarray(start, reader.position));
    } else if (code === APPLICATION_PROPERTIES) {
      existing = (section.value as Typed[]) ?? [];
    } else {
      rest = start;
      break;
    }
  }
  const drop = new Set([...remove, ...Object.keys(set)]);
  const entries: Typed[] = [];
  for (let i = 0; i + 1 < existing.length; i += 2) {
    const key = existing[i] as Typed;
    if (!drop.has(String(key.value))) entries.push(key, existing[i + 1] as Typed);
  }
  for (const [key, value] of Object.entries(set)) entries.push(types.wrap_string(key), types.wrap(value));
  const writer = new types.Writer();
  writer.write(types.described(types.wrap_ulong(APPLICATION_PROPERTIES), types.Map32(entries)));
  const bare = Buffer.concat([...before, writer.toBuffer(), message.bare.subarray(rest)]);
  const applicationProperties = { ...message.facts.applicationProperties };
  for (const key of drop) delete applicationProperties[key];
  Object.assign(applicationProperties, set);
  return { annotations: message.annotations, bare, facts: { ...message.facts, applicationProperties } };
}

/** Changes to the AMQP properties section; `null` removes a field. */
export interface PropertyChanges {
  messageId?: string | null;
  to?: string | null;
  replyTo?: string | null;
  subject?: string | null;
  correlationId?: string | null;
  contentType?: string | null;
  groupId?: string | null;
  replyToGroupId?: string | null;
}

const PROPERTY_FIELD_OF: Record<keyof PropertyChanges, string> = {
  messageId: "message_id",
  to: "to",
  replyTo: "reply_to",
  subject: "subject",
  correlationId: "correlation_id",
  contentType: "content_type",
  groupId: "group_id",
  replyToGroupId: "reply_to_group_id",
};

/** A copy of the message with its properties section rewritten (rule actions on `sys.` properties, ids). */
export function withProperties(message: EncodedMessage, changes: PropertyChanges): EncodedMessage {
  const decoded = rheaMessage.decode(message.bare);
  const properties: Record<string, unknown> = {};
  for (const field of PROPERTY_FIELDS) if (decoded[field] != null) properties[field] = decoded[field];
  const facts: MessageFacts = { ...message.facts };
  for (const [key, value] of Object.entries(changes) as Array<
    [keyof PropertyChanges, string | null | undefined]
  >) {
    if (value === undefined) continue;
    const field = PROPERTY_FIELD_OF[key];
    if (value === null) delete properties[field];
    else properties[field] = value;
    facts[key] = value ?? undefined;
  }
  const reader = new types.Reader(message.bare);
  let rest = 0;
  while (reader.remaining()) {
    const start: number = reader.position;
    const section: Typed = reader.read();
    if (descriptorCode(section) !== PROPERTIES) {
      rest = start;
      break;
    }
    rest = reader.position;
  }
  // rhea writes a header and a body around the properties; keep only the properties section.
  const propertiesOnly = sectionBytes(rheaMessage.encode({ ...properties, body: undefined }), PROPERTIES);
  return {
    annotations: message.annotations,
    bare: Buffer.concat([propertiesOnly, message.bare.subarray(rest)]),
    facts,
  };
}

/** Service Bus assigns a message-id when the sender gave none; the SDK's lock renewal needs one. */
export function withMessageId(message: EncodedMessage, messageId: string): EncodedMessage {
  return withProperties(message, { messageId });
}

const PROPERTY_FIELDS = [
  "message_id",
  "user_id",
  "to",
  "subject",
  "reply_to",
  "correlation_id",
  "content_type",
  "content_encoding",
  "absolute_expiry_time",
  "creation_time",
  "group_id",
  "group_sequence",
  "reply_to_group_id",
] as const;

function sectionBytes(buffer: Buffer, code: number): Buffer {
  const reader = new types.Reader(buffer);
  while (reader.remaining()) {
    const start: number = reader.position;
    const section: Typed = reader.read();
    if (descriptorCode(section) === code) return buffer.subarray(start, reader.position);
  }
  return Buffer.alloc(0);
}
