// An HTTP/1.1 client that sends exactly the bytes it is given — a malformed request line, conflicting
// lengths, a path fetch() would normalise — one request per connection, and reads the answer as sent:
// interim 1xx answers skipped, the body by Content-Length or chunks, a Server-Sent Events answer cut
// after its head. For tests that attack the gateway the way a hostile client would.
import { connect } from "node:net";

export interface RawRequest {
  method: string;
  /** The request target exactly as sent: "/api/x?y", "*", "http://host/path"… */
  target: string;
  /** Sent as given, in order; duplicates and odd names allowed. */
  headers: [string, string][];
  /** Written after the head as is (its framing is the headers' business). */
  body?: Buffer;
  /** Written as a chunked body, piece by piece, with its last chunk (add Transfer-Encoding yourself). */
  chunks?: Buffer[];
}

export interface RawAnswer {
  /** answered: a whole answer arrived; closed: the connection ended first; timeout: nothing in time. */
  outcome: "answered" | "closed" | "timeout";
  status: number;
  /** Lower-cased names; the last of a repeated header wins. */
  headers: Record<string, string>;
  body: Buffer;
}

const HEAD_END = Buffer.from("\r\n\r\n");
const LAST_CHUNK = Buffer.from("0\r\n\r\n");

function requestBytes(request: RawRequest): Buffer[] {
  const head = `${request.method} ${request.target} HTTP/1.1\r\n${request.headers
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("")}\r\n`;
  const parts: Buffer[] = [Buffer.from(head, "latin1")];
  if (request.body !== undefined) parts.push(request.body);
  for (const chunk of request.chunks ?? []) {
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n"));
  }
  if (request.chunks !== undefined) parts.push(LAST_CHUNK);
  return parts;
}

function dechunk(body: Buffer): Buffer {
  const pieces: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf("\r\n", at);
    if (lineEnd < 0) return Buffer.concat(pieces);
    const size = Number.parseInt(body.subarray(at, lineEnd).toString("latin1"), 16);
    if (!(size > 0)) return Buffer.concat(pieces);
    pieces.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

interface Head {
  status: number;
  headers: Record<string, string>;
  bodyStart: number;
}

function parseHead(buffer: Buffer): Head | undefined {
  const end = buffer.indexOf(HEAD_END);
  if (end < 0) return undefined;
  const [statusLine = "", ...lines] = buffer.subarray(0, end).toString("latin1").split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, bodyStart: end + 4 };
}

/** Sends `request` on a new connection to 127.0.0.1:`port` and reads its answer. */
export function rawExchange(port: number, request: RawRequest, timeoutMs = 15_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let received = Buffer.alloc(0);
    let done = false;
    const finish = (answer: RawAnswer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(
      () => finish({ outcome: "timeout", status: 0, headers: {}, body: Buffer.alloc(0) }),
      timeoutMs,
    );
    /** The whole answer, once it has arrived; `closed` when the connection has ended. */
    const settle = (closed: boolean) => {
      let head = parseHead(received);
      while (head !== undefined && head.status >= 100 && head.status < 200) {
        received = received.subarray(head.bodyStart);
        head = parseHead(received);
      }
      if (head === undefined) {
        if (closed) finish({ outcome: "closed", status: 0, headers: {}, body: Buffer.alloc(0) });
        return;
      }
      const body = received.subarray(head.bodyStart);
      const answer = (content: Buffer): RawAnswer => ({
        outcome: "answered",
        status: head.status,
        headers: head.headers,
        body: content,
      });
      const length = head.headers["content-length"];
      if (
        request.method === "HEAD" ||
        head.status === 204 ||
        head.status === 304 ||
        head.headers["content-type"]?.startsWith("text/event-stream")
      ) {
        finish(answer(Buffer.alloc(0)));
      } else if (length !== undefined) {
        if (body.length >= Number(length)) finish(answer(body.subarray(0, Number(length))));
        else if (closed) finish({ ...answer(body), outcome: "closed" });
      } else if (head.headers["transfer-encoding"]?.includes("chunked")) {
        if (body.subarray(-LAST_CHUNK.length).equals(LAST_CHUNK) || closed) finish(answer(dechunk(body)));
      } else if (closed) finish(answer(body));
    };
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      settle(false);
    });
    // A server that answers early (413) and closes may reset a connection still being written: what it
    // said before that is still read.
    socket.on("error", () => settle(true));
    socket.on("close", () => settle(true));
    socket.on("connect", () => {
      for (const part of requestBytes(request)) socket.write(part, () => {});
    });
  });
}
