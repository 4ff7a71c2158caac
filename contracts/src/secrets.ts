// No secret may travel in an event (DESIGN.md, security rules). Schemas use this guard on every free-text
// field, and error messages use it before echoing a value back, so a credential pasted into the wrong field
// is refused instead of being published, logged or dead-lettered with the secret in plain sight.
// The patterns are the shapes Azure credentials actually take; they aim at few false positives, not at
// catching every possible secret.
const SECRET_PATTERNS: readonly RegExp[] = [
  /(?:AccountKey|SharedAccessKey|SharedAccessSignature|ClientSecret)\s*=/i,
  /(?:^|[?&\s])sig=[A-Za-z0-9%+/=]{16,}/,
  /(?:^|[;\s])(?:password|pwd)\s*=\s*[^;\s]+/i,
  // Entra ID client secrets: three characters, a digit, "Q~", then 31-34 more.
  /[A-Za-z0-9_.-]{3}\dQ~[A-Za-z0-9_.~-]{31,34}/,
  // JSON Web Tokens (bearer tokens).
  /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./,
  /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/,
  /\bBearer\s+[A-Za-z0-9._~+/-]{20,}/,
];

export function looksLikeSecret(text: string): boolean {
  return SECRET_PATTERNS.some((pattern) => pattern.test(text));
}

// Field names whose values are never echoed in error messages, whatever they hold.
const SENSITIVE_FIELD = /secret|password|passwd|token|credential|apikey|api-key|connectionstring|sas/i;

export function isSensitiveField(name: string): boolean {
  return SENSITIVE_FIELD.test(name);
}
