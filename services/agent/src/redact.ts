// A last line of defence: whatever text leaves the agent (events, log lines, error messages) passes through
// here first, so a secret that reached a message by accident — an SDK error quoting a request, say — is
// replaced before anyone sees it.
import { REDACTED } from "@haymaker/contracts";

// Shorter strings would match innocent text; real client secrets and keys are far longer.
const MIN_SECRET_LENGTH = 8;

export type Redactor = (text: string) => string;

export function redactorFor(secrets: readonly (string | undefined)[]): Redactor {
  const known = [...new Set(secrets.filter((s): s is string => !!s && s.length >= MIN_SECRET_LENGTH))]
    // Longest first, so a secret that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  if (known.length === 0) return (text) => text;
  return (text) => known.reduce((out, secret) => out.split(secret).join(REDACTED), text);
}

/** The SharedAccessKey of a Service Bus connection string, which is the secret part of it. */
export function connectionStringKey(connectionString: string | undefined): string | undefined {
  return connectionString === undefined
    ? undefined
    : /(?:^|;)\s*SharedAccessKey\s*=\s*([^;]+)/i.exec(connectionString)?.[1]?.trim();
}
