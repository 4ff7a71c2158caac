// Structured logs for every HayMaker service: JSON lines (pino) carrying the service name, with the usual
// credential-bearing keys redacted wherever they appear, so a secret that reaches a log call stops here.
import { type Logger, pino } from "pino";

export type { Logger } from "pino";

const REDACTED_KEYS = [
  "secret",
  "password",
  "token",
  "accessToken",
  "apiKey",
  "connectionString",
  "authorization",
  "clientSecret",
  "key",
];

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
      redact: { paths: REDACTED_KEYS.flatMap((key) => [key, `*.${key}`]), censor: "[redacted]" },
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? process.stdout,
  );
}

/** A logger that writes nothing: for libraries used without one. */
export const silentLogger: Logger = pino({ level: "silent" });
