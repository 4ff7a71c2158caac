// What HayMaker shows of one dead-lettered message: where it was, why it failed (the bus library's stable
// reason and short cause, or the broker's), how often it was delivered and replayed, and the event itself
// — decoded when it is a valid CloudEvent, the raw body (bounded) when it is not.
import type { ServiceBusReceivedMessage } from "@azure/service-bus";
import { decodeEnvelope } from "@haymaker/cloudevents";
import {
  AMQP_LEGACY_PROPERTY_PREFIX,
  AMQP_PROPERTY_PREFIX,
  type CloudEvent,
  redactSecrets,
} from "@haymaker/contracts";
import { deadLetterId } from "./dead-letter-id.ts";
import { failureGroupOf } from "./failure-group.ts";

export interface DeadLetterSummary {
  id: string;
  topic: string;
  subscription: string;
  sequenceNumber: string;
  enqueuedAt: string;
  deliveryCount: number;
  reason: string;
  description: string;
  /** The entity it was dead-lettered from, when the broker says. */
  source?: string;
  eventId?: string;
  eventType?: string;
  runId?: string;
  /** How many times an operator replayed it before it failed again. */
  replayCount: number;
  /** Its failure signature: subscription + reason + cause (see failure-group.ts). */
  group: string;
}

export interface DeadLetter extends DeadLetterSummary {
  /** The CloudEvent, when the message is one (its data may still break its type's schema). */
  event?: CloudEvent;
  /** The body as text, when the message is not a readable CloudEvent (at most BODY_SHOWN characters). */
  body?: string;
  applicationProperties: Record<string, string | number | boolean>;
  contentType?: string;
  messageId?: string;
}

const BODY_SHOWN = 64 * 1024;

/** The broker's own application properties on a dead-lettered message, not part of the event. */
export const DEAD_LETTER_PROPERTIES = ["DeadLetterReason", "DeadLetterErrorDescription"] as const;

function property(message: ServiceBusReceivedMessage, attribute: string): unknown {
  const properties = message.applicationProperties ?? {};
  return properties[AMQP_PROPERTY_PREFIX + attribute] ?? properties[AMQP_LEGACY_PROPERTY_PREFIX + attribute];
}

/** The replay count a message carries (0 when it was never replayed). */
export function replayCountOf(message: ServiceBusReceivedMessage): number {
  const value = Number(property(message, "replaycount") ?? 0);
  return Number.isInteger(value) && value >= 0 ? value : 0;
}

function bodyText(body: unknown): string {
  const text = Buffer.isBuffer(body)
    ? body.toString("utf8")
    : body instanceof Uint8Array
      ? Buffer.from(body).toString("utf8")
      : typeof body === "string"
        ? body
        : (JSON.stringify(body) ?? String(body));
  return text.length > BODY_SHOWN ? `${text.slice(0, BODY_SHOWN)}…` : text;
}

/**
 * The properties as operators see them, secrets cut out (the broker keeps a copy of the dead-letter description
 * here). For display only: a replay resends the message's own properties.
 */
function plainProperties(message: ServiceBusReceivedMessage): Record<string, string | number | boolean> {
  const plain: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(message.applicationProperties ?? {})) {
    if (value === undefined || value === null) continue;
    plain[name] =
      value instanceof Date
        ? value.toISOString()
        : typeof value === "number" || typeof value === "boolean"
          ? value
          : redactSecrets(String(value));
  }
  return plain;
}

export function deadLetterOf(
  topic: string,
  subscription: string,
  message: ServiceBusReceivedMessage,
): DeadLetter {
  const sequenceNumber = String(message.sequenceNumber ?? "0");
  let event: CloudEvent | undefined;
  try {
    event = decodeEnvelope(message);
  } catch {
    event = undefined;
  }
  // Set by whoever dead-lettered it (any client, any SDK): shown to operators, so secrets are cut out.
  const reason = redactSecrets(message.deadLetterReason ?? "Unknown");
  const description = redactSecrets(message.deadLetterErrorDescription ?? "");
  const eventId =
    event?.id ?? (typeof property(message, "id") === "string" ? String(property(message, "id")) : undefined);
  const eventType =
    event?.type ??
    (typeof property(message, "type") === "string" ? String(property(message, "type")) : undefined);
  const runId =
    event?.correlationid ?? (typeof message.correlationId === "string" ? message.correlationId : undefined);
  const summary: DeadLetterSummary = {
    id: deadLetterId({ topic, subscription, sequenceNumber }),
    topic,
    subscription,
    sequenceNumber,
    enqueuedAt: (message.enqueuedTimeUtc ?? new Date(0)).toISOString(),
    deliveryCount: message.deliveryCount ?? 0,
    reason,
    description,
    ...(message.deadLetterSource ? { source: message.deadLetterSource } : {}),
    ...(eventId === undefined ? {} : { eventId }),
    ...(eventType === undefined ? {} : { eventType }),
    ...(runId === undefined ? {} : { runId }),
    replayCount: replayCountOf(message),
    group: failureGroupOf({ topic, subscription, reason, description }),
  };
  return {
    ...summary,
    ...(event === undefined ? { body: bodyText(message.body) } : { event }),
    applicationProperties: plainProperties(message),
    ...(message.contentType ? { contentType: message.contentType } : {}),
    ...(typeof message.messageId === "string" ? { messageId: message.messageId } : {}),
  };
}

/** The summary alone (no event, body or properties), for lists. */
export function summaryOf(letter: DeadLetter): DeadLetterSummary {
  const {
    event: _e,
    body: _b,
    applicationProperties: _p,
    contentType: _c,
    messageId: _m,
    ...summary
  } = letter;
  return summary;
}
