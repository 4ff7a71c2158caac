// Why something could not be deleted, as one short line for an event or a report: the error's first line
// (the cloud adapter already leaves response bodies out of its messages), never a stack, never a secret.
import { looksLikeSecret } from "@haymaker/contracts";

/** The longest reason an event carries (cleanup.completed's limit). */
const MOST_CHARACTERS = 300;

export function shortReason(error: unknown): string {
  const text = (error instanceof Error ? error.message.split("\n")[0] || error.name : "unknown error").trim();
  if (looksLikeSecret(text)) return "[reason withheld: it looked like it held a credential]";
  return text.length > MOST_CHARACTERS ? `${text.slice(0, MOST_CHARACTERS - 1)}…` : text;
}
