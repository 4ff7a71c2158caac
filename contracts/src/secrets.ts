// No secret may travel in an event or a log (docs/architecture.md, security rules). This file is the one declaration of
// what looks like a secret: schemas refuse free text that does (looksLikeSecret), and logs, dead-letter
// descriptions and stored error texts cut it out (redactSecrets), so a credential pasted into the wrong
// field or carried by an SDK's error message is never published, logged or shown with the secret in sight.
// The patterns are the shapes Azure credentials actually take; they aim at few false positives, not at
// catching every possible secret. Where a pattern names the secret (`AccountKey=`), the name is kept and
// only the value is cut, so a redacted text still says what was there — and no longer looks like a secret
// (the patterns skip a value that is already [redacted]), so it may go into an event.
const SECRET_PATTERNS: readonly RegExp[] = [
  // Connection strings (Service Bus, Storage, a SAS or client secret inside one).
  /(?<keep>(?:AccountKey|SharedAccessKey|SharedAccessSignature|ClientSecret)\s*=\s*)(?!\[redacted\])[^;\s"'\\]*/gi,
  // A SAS token's signature, in a URL query or a `SharedAccessSignature sr=…&sig=…` header.
  /(?<keep>(?:^|[?&\s"';])sig=)[A-Za-z0-9%+/=]{16,}/g,
  /(?<keep>SharedAccessSignature\s+)sr=[^\s"'\\,;]+/g,
  /(?<keep>(?:^|[;\s"'])(?:password|pwd)\s*=\s*)(?!\[redacted\])[^;\s"'\\]+/gi,
  // `NAME=value` where the name says credential: environment dumps (HAYMAKER_CLIENT_SECRET=…) and form
  // bodies (client_secret=…) that an error message may quote.
  /(?<keep>\b[A-Za-z0-9_]*(?:secret|password|api_?key|connection_?string|account_?key|access_?key)=)(?!\[redacted\])[^\s"'\\&;]+/gi,
  // Entra ID client secrets: three characters, a digit, "Q~", then 31-34 more.
  /[A-Za-z0-9_.-]{3}\dQ~[A-Za-z0-9_.~-]{31,34}/g,
  // JSON Web Tokens (bearer tokens), signature included.
  /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----(?:[\s\S]*?-----END (?:[A-Z]+ )?PRIVATE KEY-----|[^"]*)/g,
  /(?<keep>\bBearer\s+)[A-Za-z0-9._~+/-]{20,}=*/gi,
  // HayMaker's gateway API keys (hm_<id>_<secret>).
  /\bhm_[0-9a-f]{12}_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g,
];

/** What a cut-out secret reads as. */
export const REDACTED = "[redacted]";

export function looksLikeSecret(text: string): boolean {
  // search() ignores the patterns' global flag and lastIndex, so the shared patterns hold no state.
  return SECRET_PATTERNS.some((pattern) => text.search(pattern) !== -1);
}

/** The text with every secret-shaped part replaced by [redacted] (a named secret keeps its name). */
export function redactSecrets(text: string): string {
  let result = text;
  for (const pattern of SECRET_PATTERNS) {
    result = result.replace(pattern, (...args: unknown[]) => {
      const groups = args.at(-1);
      const keep = typeof groups === "object" ? (groups as { keep?: string } | undefined)?.keep : undefined;
      return `${keep ?? ""}${REDACTED}`;
    });
  }
  return result;
}

// Field names whose values are never echoed in error messages nor written to logs, whatever they hold.
// Matched with "_", "-" and spaces removed, so HAYMAKER_CLIENT_SECRET, api-key and connection_string count;
// a separate word KEY at the end (HAYMAKER_COSMOS_KEY, storage-key) counts, partitionKey does not.
const SENSITIVE_FIELD =
  /secret|password|passwd|token|credential|apikey|connectionstring|sas|accountkey|accesskey|privatekey|authorization|cookie|^key$|^sig$/i;
const KEY_WORD = /(?:^|[-_\s])key$/i;

export function isSensitiveField(name: string): boolean {
  return SENSITIVE_FIELD.test(name.replace(/[-_\s]/g, "")) || KEY_WORD.test(name);
}

/**
 * Whether a sensitive field's value is a fact about a secret rather than one: every credential HayMaker
 * handles is text (keys, secrets, tokens, connection strings), so a flag or a count under such a name
 * (`secretDeleted: true`, `secretsDeleted: 3`) holds none and may be shown.
 */
export function isFactAboutSecret(value: unknown): value is boolean | number {
  return typeof value === "boolean" || typeof value === "number";
}
