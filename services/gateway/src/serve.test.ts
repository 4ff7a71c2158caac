// The gateway on a real HTTP server: requests Node or the adapter cannot even parse are answered with the
// error envelope too, never Node's bare "400 Bad Request".
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveGateway } from "./serve.ts";
import { type TestGateway, testGateway } from "./testing/test-gateway.ts";

let port = 0;
let stop: () => Promise<void>;
const logged: unknown[] = [];
let g: TestGateway;

beforeAll(async () => {
  g = await testGateway();
  const server = serveGateway(g.app, { port: 0, hostname: "127.0.0.1", log: (e) => logged.push(e) });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  port = (server.address() as { port: number }).port;
  stop = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(() => stop());

/** Sends `raw` bytes as they are and reads until the server closes. */
function rawExchange(raw: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    socket.on("data", (chunk) => (text += chunk.toString("latin1")));
    socket.on("error", reject);
    socket.on("close", () => {
      const end = text.indexOf("\r\n\r\n");
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0),
        headers: text.slice(0, end),
        body: text.slice(end + 4),
      });
    });
    socket.write(raw);
  });
}

function expectEnvelope(body: string, code: string) {
  const parsed = JSON.parse(body) as { error: Record<string, unknown> };
  expect(parsed.error).toMatchObject({ code, details: [] });
  expect(parsed.error.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(typeof parsed.error.message).toBe("string");
}

describe("serveGateway", () => {
  it.each([
    ["a malformed request line", "GET /api/health HTTP/1.1 extra\r\nHost: x\r\n\r\n"],
    ["a header without a colon", "GET /api/health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n"],
    [
      "both Content-Length and Transfer-Encoding",
      "POST /api/execute HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    ],
    ["a bad chunk size", "POST /api/execute HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"],
  ])("answers %s with 400 and the envelope", async (_, raw) => {
    const answer = await rawExchange(raw);
    expect(answer.status).toBe(400);
    expect(answer.headers).toMatch(/content-type: application\/json/i);
    expectEnvelope(answer.body, "MalformedRequest");
  });

  it("answers headers over Node's limit with 431 and the envelope", async () => {
    const answer = await rawExchange(
      `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
    );
    expect(answer.status).toBe(431);
    expectEnvelope(answer.body, "HeadersTooLarge");
  });

  it("answers a Host the adapter cannot use with 400 and the envelope", async () => {
    const answer = await rawExchange("GET /api/health HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n");
    expect(answer.status).toBe(400);
    expectEnvelope(answer.body, "MalformedRequest");
    expect(logged).toEqual([]);
  });

  it("answers an HTTP/1.1 request without a Host header with 400 and the envelope", async () => {
    const answer = await rawExchange("GET /api/health HTTP/1.1\r\nConnection: close\r\n\r\n");
    expect(answer.status).toBe(400);
    expectEnvelope(answer.body, "MalformedRequest");
  });

  it("answers a body whose framing breaks halfway with 400, and logs no failure for the read it cut short", async () => {
    const answer = await rawExchange(
      "POST /api/execute HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
        `Authorization: Bearer ${g.key.operator}\r\nContent-Type: application/json\r\n` +
        "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\nzz\r\n",
    );
    expect(answer.status).toBe(400);
    expectEnvelope(answer.body, "MalformedRequest");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(g.errors).toEqual([]);
    expect(g.published).toEqual([]);
  });

  it("serves the gateway as usual", async () => {
    const answer = await rawExchange("GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(answer.status).toBe(200);
  });
});
