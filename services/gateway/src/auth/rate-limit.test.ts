import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { Caller } from "./authenticate.ts";
import { rateLimit } from "./rate-limit.ts";

// A route whose caller is whoever the x-test-caller header names, as requireRole would have set it.
function limitedApp(perMinute: number) {
  const app = new Hono();
  app.use(async (c, next) => {
    const [kind, id] = (c.req.header("x-test-caller") ?? "").split("/") as [Caller["kind"], string];
    const caller: Caller = { kind, id, name: "same-name", role: "operator" };
    c.set("caller" as never, caller as never);
    await next();
  });
  app.post(
    "/limited",
    rateLimit(perMinute, () => 1_000_000),
    (c) => c.text("ok"),
  );
  return (caller: string) =>
    app.request("/limited", { method: "POST", headers: { "x-test-caller": caller } });
}

describe("rateLimit", () => {
  it("counts an API key and an Entra caller with the same id apart", async () => {
    const call = limitedApp(1);
    expect((await call("api-key/abc")).status).toBe(200);
    expect((await call("api-key/abc")).status).toBe(429);
    expect((await call("entra/abc")).status).toBe(200);
    expect((await call("entra/abc")).status).toBe(429);
  });
});
