// Every failure the CLI reports ends as a CliError: one line on stderr and an exit code scripts can test.
export const EXIT = { ok: 0, failure: 1, usage: 2, auth: 3, notFound: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  readonly exitCode: ExitCode;
  /** The gateway's error code and trace id, when the gateway gave them. */
  readonly code: string | undefined;
  readonly traceId: string | undefined;
  /** The gateway's HTTP status; undefined when the request never got an answer (worth retrying). */
  readonly status: number | undefined;

  constructor(message: string, exitCode: ExitCode, code?: string, traceId?: string, status?: number) {
    super(message);
    this.exitCode = exitCode;
    this.code = code;
    this.traceId = traceId;
    this.status = status;
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.usage);

/** `haymaker: <message> (code, traceId)`: what an operator pastes into a ticket. */
export function errorLine(error: CliError): string {
  const context = [error.code, error.traceId].filter((part) => part !== undefined);
  return `haymaker: ${error.message}${context.length > 0 ? ` (${context.join(", ")})` : ""}`;
}
