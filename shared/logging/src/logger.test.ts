import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./index.ts";

const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQifQ.c2lnbmF0dXJl";
const CONNECTION =
  "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=c2VjcmV0a2V5";

/** A logger whose lines the test reads back, parsed. */
function capture() {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on("data", (chunk: Buffer) => lines.push(...chunk.toString().split("\n").filter(Boolean)));
  const logger = createLogger({ service: "test", level: "debug", destination: stream });
  return { logger, text: () => lines.join("\n"), json: () => lines.map((l) => JSON.parse(l)) };
}

describe("log redaction", () => {
  it("replaces credential-named fields at any depth, not only at the top two levels", () => {
    const { logger, text, json } = capture();
    logger.info(
      {
        request: { headers: { authorization: "opaque-1", "x-ms-client-request-id": "r1" } },
        spawn: { env: { HAYMAKER_CLIENT_SECRET: "opaque-2", HAYMAKER_RUN_ID: "run-1" } },
        config: {
          a: { b: { c: { clientSecret: "opaque-3", SharedAccessKey: "opaque-4", sig: "opaque-5" } } },
        },
        list: [{ AccountKey: "opaque-6" }],
      },
      "starting",
    );
    for (const value of ["opaque-1", "opaque-2", "opaque-3", "opaque-4", "opaque-5", "opaque-6"])
      expect(text()).not.toContain(value);
    const [line] = json();
    expect(line.request.headers).toEqual({ authorization: "[redacted]", "x-ms-client-request-id": "r1" });
    expect(line.spawn.env).toEqual({ HAYMAKER_CLIENT_SECRET: "[redacted]", HAYMAKER_RUN_ID: "run-1" });
    expect(line.config.a.b.c.SharedAccessKey).toBe("[redacted]");
    expect(line.list[0].AccountKey).toBe("[redacted]");
  });

  it("keeps flags and counts under credential names, which say something about a secret but hold none", () => {
    const { logger, json } = capture();
    logger.info({
      secretDeleted: true,
      secretsDeleted: 3,
      secret: { deleted: false },
      clientSecret: "opaque-7",
    });
    const [line] = json();
    expect(line).toMatchObject({ secretDeleted: true, secretsDeleted: 3, clientSecret: "[redacted]" });
    // An object under a credential name may hold one: it goes whole.
    expect(line.secret).toBe("[redacted]");
  });

  it("cuts secret-shaped text out of messages, format arguments, any field and child bindings", () => {
    const { logger, text, json } = capture();
    logger.warn({ detail: `bus said: ${CONNECTION}` }, "reconnecting with %s", `Bearer ${JWT}`);
    logger.child({ bus: CONNECTION }).info("child");
    expect(text()).not.toContain("c2VjcmV0a2V5");
    expect(text()).not.toContain("c2lnbmF0dXJl");
    const [first, second] = json();
    expect(first.msg).toBe("reconnecting with Bearer [redacted]");
    expect(first.detail).toContain("SharedAccessKeyName=root;SharedAccessKey=[redacted]");
    expect(second.bus).toContain("SharedAccessKey=[redacted]");
  });

  it("cuts secrets out of errors' messages, stacks and own fields, keeping their shape", () => {
    const { logger, text, json } = capture();
    const error = Object.assign(new TypeError(`token request failed: client_secret=pl41nvalue&scope=x`), {
      request: { headers: { Authorization: "opaque-7" } },
    });
    logger.error(error);
    logger.warn({ err: new Error(`connect failed: ${CONNECTION}`) }, "bus down");
    logger.info({ nested: { cause: new Error(`at ${JWT}`) } }, "nested");
    for (const secret of ["pl41nvalue", "opaque-7", "c2VjcmV0a2V5", "c2lnbmF0dXJl"])
      expect(text()).not.toContain(secret);
    const [first, second, third] = json();
    expect(first.err.type).toBe("TypeError");
    expect(first.msg).toBe("token request failed: client_secret=[redacted]&scope=x");
    expect(first.err.stack).toContain("client_secret=[redacted]");
    expect(first.err.request.headers.Authorization).toBe("[redacted]");
    expect(second.err).toMatchObject({ type: "Error", message: expect.stringContaining("[redacted]") });
    expect(third.nested.cause.message).toBe("at [redacted]");
  });

  it("logs cyclic and deep objects without failing", () => {
    const { logger, json } = capture();
    const cyclic: Record<string, unknown> = { name: "a" };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { password: "opaque-8" };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    logger.info({ cyclic, deep }, "odd shapes");
    const [line] = json();
    expect(line.cyclic).toEqual({ name: "a", self: "[circular]" });
    expect(JSON.stringify(line)).not.toContain("opaque-8");
  });
});
