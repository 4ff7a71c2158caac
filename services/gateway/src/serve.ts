// The gateway on a Node HTTP server. Requests the app never sees still get the one error envelope: a
// request Node cannot parse (a malformed request line or header, headers too large, conflicting lengths) is
// answered here rather than with Node's bare "400 Bad Request", and one the adapter cannot turn into a
// URL (a bad Host header, an unusable request target) by the adapter's error handler.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { getRequestListener, RequestError } from "@hono/node-server";
import type { Hono } from "hono";
import { errorEnvelope } from "./errors.ts";

const newTraceId = () => randomBytes(16).toString("hex");

const PARSE_ERRORS: Record<string, { status: number; reason: string; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: "Request Header Fields Too Large",
    code: "HeadersTooLarge",
    message: "The request's headers are larger than the gateway takes (16 KiB in all).",
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: "Request Timeout",
    code: "RequestTimeout",
    message: "The request did not arrive in time.",
  },
};
const MALFORMED = {
  status: 400,
  reason: "Bad Request",
  code: "MalformedRequest",
  message: "The request is not valid HTTP/1.1 (its request line, a header, or its body framing).",
};

/** Answers a request Node could not parse, on the raw socket (Node gives no response object). */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // Node's own handler checks the same: nothing can be written once a response has begun on this socket.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const answer = PARSE_ERRORS[error.code ?? ""] ?? MALFORMED;
  const body = JSON.stringify(errorEnvelope(answer.code, answer.message, [], newTraceId()));
  socket.end(
    `HTTP/1.1 ${answer.status} ${answer.reason}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The answer to a request the adapter could not build (its Host or request target). */
function unusableRequest(error: unknown, log: (error: unknown) => void): Response {
  if (error instanceof RequestError) {
    const message = "The request's Host header or target is not a usable URL.";
    return Response.json(errorEnvelope("MalformedRequest", message, [], newTraceId()), { status: 400 });
  }
  const traceId = newTraceId();
  log(error);
  const message = "The gateway could not answer; the error was logged with this trace id.";
  return Response.json(errorEnvelope("InternalError", message, [], traceId), { status: 500 });
}

/** Starts `app` on `hostname:port` (0: any free port); `listening` gets the address once bound. */
export function serveGateway(
  app: Hono,
  options: { port: number; hostname: string; log: (error: unknown) => void },
  listening?: (address: AddressInfo) => void,
): Server {
  const listener = getRequestListener(app.fetch, {
    hostname: options.hostname,
    errorHandler: (error) => unusableRequest(error, options.log),
  });
  const server = createServer(listener);
  server.on("clientError", answerClientError);
  server.listen(options.port, options.hostname, () => listening?.(server.address() as AddressInfo));
  return server;
}
