// What a rule sees of a message. Values are as rhea decodes AMQP: string, number, bigint, boolean, Date, Buffer,
// null or undefined. A long beyond 2^53 arrives from rhea as an 8-byte Buffer, which filters treat as binary.

export interface SystemProperties {
  messageId?: string;
  correlationId?: string;
  to?: string;
  replyTo?: string;
  /** Service Bus calls this Subject in the newer SDKs and Label in the older ones; filters accept both. */
  label?: string;
  sessionId?: string;
  replyToSessionId?: string;
  contentType?: string;
  sequenceNumber?: number;
  enqueuedTimeUtc?: Date;
  scheduledEnqueueTimeUtc?: Date;
  /** Milliseconds. */
  timeToLive?: number;
  deliveryCount?: number;
  size?: number;
  partitionKey?: string;
}

export interface FilterableMessage {
  /** Filled by the broker. */
  system: SystemProperties;
  /** Application properties; a mutable copy per subscription when rule actions run. */
  user: Record<string, unknown>;
}
