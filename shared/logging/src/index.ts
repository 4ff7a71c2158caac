// Structured logs for every HayMaker service: JSON lines (pino) carrying the service name, with credentials
// cut out wherever they appear, so a secret that reaches a log call stops here. Two passes: fields under
// credential-named keys at any depth (redact-fields.ts), and secret-shaped text anywhere in the finished line —
// messages, error messages and stacks included — by the same rules that keep secrets out of events
// (redactSecrets from @haymaker/contracts).
import { redactSecrets } from "@haymaker/contracts";
import { type Logger, pino } from "pino";
import { redactFields } from "./redact-fields.ts";

export type { Logger } from "pino";

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Where lines go; standard output by default. Tests pass a stream to read them back. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      base: { service: options.service },
      level: options.level ?? process.env.HAYMAKER_LOG_LEVEL ?? "info",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => redactFields(bindings) as Record<string, unknown>,
        log: (fields) => redactFields(fields) as Record<string, unknown>,
      },
      // The log formatter has already turned errors into plain objects; pino's own would re-type them.
      serializers: { err: (error: unknown) => (error instanceof Error ? redactFields(error) : error) },
      // JSON escaping never splits a secret's shape (the patterns stop at quotes and backslashes).
      hooks: { streamWrite: redactSecrets },
    },
    options.destination ?? process.stdout,
  );
}

/** A logger that writes nothing: for libraries used without one. */
export const silentLogger: Logger = pino({ level: "silent" });
