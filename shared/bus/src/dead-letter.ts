// Why a message was dead-lettered, in a form operators can group by: a stable reason code and a short cause
// (the error's type and the first line of its message). Never a stack trace, never anything that looks like
// a credential.
import { looksLikeSecret } from "@haymaker/contracts";

/** Reasons the bus library gives; the broker adds MaxDeliveryCountExceeded and TTLExpiredException. */
export const DEAD_LETTER_REASONS = {
  /** The message is not a valid HayMaker event: unreadable, unknown type, or data that fails its schema. */
  invalidEvent: "InvalidEvent",
  /** The event names a scenario the catalogue does not have. */
  unknownScenario: "UnknownScenario",
  /** The handler decided the event can never be processed, for a reason of its own. */
  handlerError: "HandlerError",
} as const;

/**
 * Thrown by a handler for an event that retrying cannot fix: the message is dead-lettered at once with
 * `reason`, instead of being retried up to the subscription's max delivery count.
 */
export class UnprocessableEventError extends Error {
  override name = "UnprocessableEventError";
  readonly reason: string;
  constructor(reason: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

const MAX_DESCRIPTION = 512;

/** `TypeError: Cannot read properties of undefined (reading 'x')` — one line, bounded, credential-free. */
export function describeCause(error: unknown): string {
  const name =
    error instanceof Error ? (error.name === "Error" ? error.constructor.name : error.name) : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  const firstLine =
    message
      .split("\n")
      .find((line) => line.trim() !== "")
      ?.trim() ?? "";
  if (looksLikeSecret(firstLine)) return `${name}: [message withheld: it looked like it held a credential]`;
  const text = firstLine ? `${name}: ${firstLine}` : name;
  return text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 1)}…` : text;
}
