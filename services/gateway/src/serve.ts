// The gateway on a Node HTTP server. Requests the app never sees still get the one error envelope: a
// request Node cannot parse (a malformed request line or header, headers too large, conflicting lengths) is
// answered here rather than with Node's bare "400 Bad Request", and one the adapter cannot turn into a
// URL (a bad Host header, an unusable request target) by the adapter's error handler, and an HTTP/1.1
// request without a Host header (which HTTP/1.1 requires) before it reaches the app.
//
// A refused request may still be sending its body (a 2 MB upload to a route that takes 64 KiB). Closing the
// connection at once would make the client's kernel discard the answer on the reset that follows, so the
// gateway closes its side and keeps reading (and dropping) what still comes for a moment first, as web
// servers do ("lingering close").
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
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

/** How long a closing connection keeps reading what the client still sends before it is cut. */
const LINGER_MS = 2_000;

const envelopeText = (code: string, message: string) =>
  JSON.stringify(errorEnvelope(code, message, [], newTraceId()));

/** Node's destroySoon, which closes as soon as the answer is written, made to linger (see above). */
function lingerOnClose(socket: Socket): void {
  socket.destroySoon = () => {
    socket.end();
    const cut = setTimeout(() => socket.destroy(), LINGER_MS);
    cut.unref();
    socket.once("close", () => clearTimeout(cut));
  };
}

/** Answers a request Node could not parse, on the raw socket (Node gives no response object). */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // Node's own handler checks the same: nothing can be written once a response has begun on this socket.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const answer = PARSE_ERRORS[error.code ?? ""] ?? MALFORMED;
  const body = envelopeText(answer.code, answer.message);
  socket.write(
    `HTTP/1.1 ${answer.status} ${answer.reason}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  (socket as Socket).destroySoon();
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
  const server = createServer(
    // Answered below, with the envelope, instead of by Node with a bare 400.
    { requireHostHeader: false },
    (incoming: IncomingMessage, outgoing: ServerResponse) => {
      if (incoming.httpVersion === "1.1" && incoming.headers.host === undefined) {
        const body = envelopeText("MalformedRequest", "An HTTP/1.1 request needs a Host header.");
        outgoing
          .writeHead(400, {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            connection: "close",
          })
          .end(body);
        return;
      }
      void listener(incoming, outgoing);
    },
  );
  server.on("connection", lingerOnClose);
  server.on("clientError", answerClientError);
  server.listen(options.port, options.hostname, () => listening?.(server.address() as AddressInfo));
  return server;
}
