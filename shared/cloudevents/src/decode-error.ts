/** What part of a message could not be decoded. */
export type DecodeErrorKind = "attribute" | "data" | "body" | "unknown-type";

/**
 * A message that is not a valid HayMaker event. Retrying cannot fix it, so consumers dead-letter it with
 * this message, which names the attribute or data field at fault and never echoes long values or
 * anything that looks like a secret.
 */
export class CloudEventDecodeError extends Error {
  override readonly name = "CloudEventDecodeError";
  readonly kind: DecodeErrorKind;
  /**
   * Where the fault is, as the message carries it: an application property ("cloudEvents_time"), a
   * structured-mode attribute ("time"), a data field ("data.runId"), "contentType" or "body".
   */
  readonly field: string;
  readonly reason: string;
  /** The event type, once known. */
  readonly eventType: string | undefined;

  constructor(
    kind: DecodeErrorKind,
    field: string,
    reason: string,
    options: { eventType?: string; cause?: unknown } = {},
  ) {
    super(`${options.eventType ? `${options.eventType}: ` : ""}${field}: ${reason}`, {
      cause: options.cause,
    });
    this.kind = kind;
    this.field = field;
    this.reason = reason;
    this.eventType = options.eventType;
  }
}
