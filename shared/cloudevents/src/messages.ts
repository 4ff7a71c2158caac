// The parts of a Service Bus message the codec reads and writes. They are structural subsets of
// @azure/service-bus's ServiceBusMessage and ServiceBusReceivedMessage, so the codec works with the SDK
// without depending on it: an OutgoingMessage can be sent as is, a received message decoded as is.

/** A message to send: assignable to the SDK's ServiceBusMessage. */
export interface OutgoingMessage {
  /** The event data as UTF-8 JSON (binary mode) */
  body: Buffer;
  contentType: string;
  /** The event id, so duplicates and dead letters can be traced to the event. */
  messageId: string;
  /** The correlationid extension (the run id). */
  correlationId: string;
  /** The event subject ("label" in Service Bus filters). */
  subject?: string;
  /** Every CloudEvents attribute but data and datacontenttype, as cloudEvents_<attribute>. */
  applicationProperties: Record<string, string | number | Date>;
}

/** A received message: the SDK's ServiceBusReceivedMessage is one. */
export interface IncomingMessage {
  /** Bytes, a string, or whatever the SDK already parsed from JSON. */
  readonly body: unknown;
  readonly contentType?: string | undefined;
  readonly messageId?: unknown;
  readonly correlationId?: unknown;
  readonly subject?: string | undefined;
  readonly applicationProperties?: Readonly<Record<string, unknown>> | undefined;
}
