// A failure signature, as operators group failures: the subscription that failed (its topic too: every
// topic has a "projector" subscription), the reason code and the cause. Dead letters with the same signature failed the same way, so one fix and one replay serve them all.
import { createHash } from "node:crypto";

export interface FailureSignature {
  topic: string;
  subscription: string;
  reason: string;
  description: string;
}

/** A short, stable id of the signature: "g-" and 12 hex digits. */
export function failureGroupOf(signature: FailureSignature): string {
  const digest = createHash("sha256")
    .update([signature.topic, signature.subscription, signature.reason, signature.description].join("\u0000"))
    .digest("hex");
  return `g-${digest.slice(0, 12)}`;
}
