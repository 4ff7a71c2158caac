// One port for every way a client reaches Service Bus: AMQP over TCP (the emulator's 5672), AMQP over TLS
// (5671), and AMQP over WebSockets (443, path /$servicebus/websocket, subprotocol AMQPWSB10), plain or TLS.
// The first bytes of a connection tell which: 0x16 opens a TLS handshake, "AMQP" a protocol header, and
// anything else is HTTP, where only the WebSocket upgrade is served. The SDKs build `wss://host:port/...`
// from the same endpoint they use for AMQP, so one port serves both without extra configuration.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { type SecureContextOptions, TLSSocket } from "node:tls";
import { WebSocketServer } from "ws";

export const WEBSOCKET_PATH = "/$servicebus/websocket";
export const WEBSOCKET_PROTOCOL = "AMQPWSB10";

export interface ConnectionHandlers {
  amqp(socket: Socket | TLSSocket): void;
  webSocket(socket: unknown): void;
}

const TLS_HANDSHAKE = 0x16;
const SNIFF_TIMEOUT_MS = 10_000;

export function createListener(handlers: ConnectionHandlers, tls: SecureContextOptions): Server {
  const webSockets = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has(WEBSOCKET_PROTOCOL) ? WEBSOCKET_PROTOCOL : false),
  });
  const http = createHttpServer((_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(404, { "content-type": "text/plain" });
    response.end(
      `This is an AMQP endpoint. WebSocket clients connect to ${WEBSOCKET_PATH} with subprotocol ${WEBSOCKET_PROTOCOL}.\n`,
    );
  });
  http.on("upgrade", (request, socket, head) => {
    // A browser always says where the page came from; the SDKs in Node and Python never do. Refusing any
    // Origin keeps a web page the user visits from reaching the broker through the user's own machine
    // (Sec-WebSocket-Origin is the same header in the protocol's version 8).
    if (request.headers.origin !== undefined || request.headers["sec-websocket-origin"] !== undefined) {
      socket.end(
        "HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nWebSocket connections from web pages (with an Origin header) are refused.\n",
      );
      return;
    }
    // Python's uamqp asks for the path with a trailing slash.
    const path = new URL(request.url ?? "/", "http://broker").pathname.replace(/\/$/, "");
    if (path !== WEBSOCKET_PATH) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      return;
    }
    webSockets.handleUpgrade(request, socket, head, (webSocket) => handlers.webSocket(webSocket));
  });
  http.on("clientError", (_error, socket) => socket.destroy());

  const route = (socket: Socket | TLSSocket, allowTls: boolean) => {
    socket.setTimeout(SNIFF_TIMEOUT_MS, () => socket.destroy());
    socket.once("readable", () => {
      const first: Buffer | null = socket.read();
      if (!first) {
        socket.destroy();
        return;
      }
      socket.setTimeout(0);
      socket.unshift(first);
      if (allowTls && first[0] === TLS_HANDSHAKE) {
        const secure = new TLSSocket(socket, { isServer: true, ...tls });
        secure.on("error", () => secure.destroy());
        route(secure, false);
      } else if (first.subarray(0, 4).toString("latin1") === "AMQP") {
        handlers.amqp(socket);
      } else {
        http.emit("connection", socket);
      }
    });
  };

  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on("error", () => socket.destroy());
    route(socket, true);
  });
  server.on("close", () => {
    webSockets.close();
    http.close();
  });
  return server;
}
