// A per-caller limit on how often a route may be called (execute: 10 a minute by default), so one caller
// cannot flood the tenant with runs. Callers are told apart by kind and id: an API key and an Entra
// principal never share a budget, whatever their ids. Fixed one-minute windows kept in memory: the
// gateway is one process per replica, and the limit is a guard rail, not an accounting system.
import type { MiddlewareHandler } from "hono";
import { apiError } from "../errors.ts";
import { callerOf } from "./authenticate.ts";

const WINDOW_MS = 60_000;

export function rateLimit(perMinute: number, now: () => number = Date.now): MiddlewareHandler {
  const windows = new Map<string, { start: number; count: number }>();
  return async (c, next) => {
    const { kind, id } = callerOf(c);
    const caller = `${kind}:${id}`;
    const at = now();
    let window = windows.get(caller);
    if (window === undefined || at - window.start >= WINDOW_MS) {
      window = { start: at, count: 0 };
      windows.set(caller, window);
    }
    const resetSeconds = Math.ceil((window.start + WINDOW_MS - at) / 1000);
    c.header("X-RateLimit-Limit", String(perMinute));
    c.header("X-RateLimit-Reset", String(resetSeconds));
    if (window.count >= perMinute) {
      c.header("X-RateLimit-Remaining", "0");
      c.header("Retry-After", String(resetSeconds));
      return apiError(
        c,
        429,
        "RateLimited",
        `At most ${perMinute} requests a minute; try again in ${resetSeconds} s.`,
      );
    }
    window.count++;
    c.header("X-RateLimit-Remaining", String(perMinute - window.count));
    await next();
  };
}
