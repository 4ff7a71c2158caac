// The sys.* names a filter may use. Azure's SQL filter reference ("Considerations") says property names are
// case-insensitive, so lookup goes through the lower-cased name; it also says reading a system property that does
// not exist is an error, which is why unknown names fail at compile time rather than evaluating to unknown.
import type { SystemProperties } from "./message.ts";

export interface SystemPropertyInfo {
  key: keyof SystemProperties;
  /** As documented, e.g. "Label". */
  name: string;
  /** Rule actions may SET/REMOVE it: the string-valued header fields, as in Service Bus. */
  writable: boolean;
}

const LIST: readonly SystemPropertyInfo[] = [
  { name: "MessageId", key: "messageId", writable: true },
  { name: "CorrelationId", key: "correlationId", writable: true },
  { name: "To", key: "to", writable: true },
  { name: "ReplyTo", key: "replyTo", writable: true },
  { name: "Label", key: "label", writable: true },
  { name: "Subject", key: "label", writable: true },
  { name: "SessionId", key: "sessionId", writable: true },
  { name: "ReplyToSessionId", key: "replyToSessionId", writable: true },
  { name: "ContentType", key: "contentType", writable: true },
  { name: "SequenceNumber", key: "sequenceNumber", writable: false },
  { name: "EnqueuedTimeUtc", key: "enqueuedTimeUtc", writable: false },
  { name: "ScheduledEnqueueTimeUtc", key: "scheduledEnqueueTimeUtc", writable: false },
  { name: "TimeToLive", key: "timeToLive", writable: false },
  { name: "DeliveryCount", key: "deliveryCount", writable: false },
  { name: "Size", key: "size", writable: false },
  { name: "PartitionKey", key: "partitionKey", writable: false },
];

const BY_LOWER_NAME: ReadonlyMap<string, SystemPropertyInfo> = new Map(
  LIST.map((p) => [p.name.toLowerCase(), p]),
);

export function findSystemProperty(name: string): SystemPropertyInfo | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}

export const SYSTEM_PROPERTY_NAMES: string = LIST.map((p) => `sys.${p.name}`).join(", ");

export const WRITABLE_SYSTEM_PROPERTY_NAMES: string = LIST.filter((p) => p.writable)
  .map((p) => `sys.${p.name}`)
  .join(", ");
