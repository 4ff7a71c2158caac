import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { Caller } from "./authenticate.ts";
import { RateLimiter, rateLimit } from "./rate-limit.ts";

// A route whose caller is whoever the x-test-caller header names, as requireRole would have set it.
function limitedApp(perMinute: number) {
  const app = new Hono();
  app.use(async (c, next) => {
    const [kind, id] = (c.req.header("x-test-caller") ?? "").split("/") as [Caller["kind"], string];
    const caller: Caller = { kind, id, name: "same-name", role: "operator" };
    c.set("caller" as never, caller as never);
    await next();
  });
  app.post("/limited", rateLimit(new RateLimiter(perMinute, { now: () => 1_000_000 })), (c) => c.text("ok"));
  return (caller: string) =>
    app.request("/limited", { method: "POST", headers: { "x-test-caller": caller } });
}

describe("rateLimit", () => {
  it("counts an API key and an Entra caller with the same id apart", async () => {
    const call = limitedApp(1);
    expect((await call("api-key/abc")).status).toBe(200);
    const limited = await call("api-key/abc");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe("RateLimited");
    expect((await call("entra/abc")).status).toBe(200);
    expect((await call("entra/abc")).status).toBe(429);
  });
});

describe("RateLimiter", () => {
  it("renews a caller's budget once its minute is over", () => {
    let now = 0;
    const limiter = new RateLimiter(2, { now: () => now });
    expect([1, 2, 3].map(() => limiter.take("a").allowed)).toEqual([true, true, false]);
    expect(limiter.take("a").resetSeconds).toBe(60);
    now = 59_999;
    expect(limiter.take("a")).toEqual({ allowed: false, remaining: 0, resetSeconds: 1 });
    now = 60_000;
    expect(limiter.take("a")).toMatchObject({ allowed: true, remaining: 1 });
  });

  it("keeps memory bounded under many distinct callers: ended windows are swept, the oldest dropped beyond the bound", () => {
    let now = 0;
    const limiter = new RateLimiter(5, { now: () => now, maxCallers: 1_000 });
    // 100,000 callers within one minute: never more than the bound held at once.
    for (let i = 0; i < 100_000; i++) {
      now = i / 2;
      limiter.take(`api-key:${i}`);
      expect(limiter.size).toBeLessThanOrEqual(1_000);
    }
    expect(limiter.size).toBe(1_000);
    // The newest callers are the ones kept, with their counts.
    expect(limiter.take("api-key:99999")).toMatchObject({ allowed: true, remaining: 3 });
    // A minute later every window has ended: the next request sweeps them all.
    now += 60_000;
    limiter.take("api-key:late");
    expect(limiter.size).toBe(1);
  });
});
