// The OAuth error body login.microsoftonline.com answers with: an OAuth error code plus an AADSTS
// description and the diagnostic fields MSAL and Azure Identity read. Descriptions name clients and
// tenants, never a secret.
import { randomUUID } from "node:crypto";

export interface EntraError {
  status: 400 | 401;
  body: {
    error: string;
    error_description: string;
    error_codes: number[];
    timestamp: string;
    trace_id: string;
    correlation_id: string;
    error_uri: string;
  };
}

export function entraError(status: 400 | 401, error: string, aadsts: number, message: string): EntraError {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace("T", " ").slice(0, 19);
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${aadsts}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}Z`,
      error_codes: [aadsts],
      timestamp: `${timestamp}Z`,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
    },
  };
}
