// Why something could not be deleted, as one short line for an event or a report: the error's first line
// (the cloud adapter already leaves response bodies out of its messages), never a stack, never a secret.
import { looksLikeSecret, MAX_CLEANUP_REASON_LENGTH } from "@haymaker/contracts";

/** At most MAX_CLEANUP_REASON_LENGTH characters: the longest reason an event carries. */
export function shortReason(error: unknown): string {
  const text = (error instanceof Error ? error.message.split("\n")[0] || error.name : "unknown error").trim();
  if (looksLikeSecret(text)) return "[reason withheld: it looked like it held a credential]";
  return text.length > MAX_CLEANUP_REASON_LENGTH ? `${text.slice(0, MAX_CLEANUP_REASON_LENGTH - 1)}…` : text;
}
