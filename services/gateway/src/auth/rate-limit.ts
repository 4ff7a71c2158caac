// A per-caller limit on how often routes may be called (execute: 10 a minute by default, other writes 60),
// so one caller cannot flood the tenant with runs or the bus with requests. Callers are told apart by kind
// and id: an API key and an Entra principal never share a budget, whatever their ids. Fixed one-minute
// windows: the limit is a guard rail, not an accounting system.
//
// The port is RateLimit (one budget) and RateLimits (a budget per rate-limit class). Two adapters: this
// file's RateLimiter keeps the windows in memory, per process (the local default: one gateway); the
// Cosmos DB adapter (cosmos-rate-limit.ts) counts in the state container, so every replica draws on one
// budget per caller.
//
// The in-memory windows live in a Map kept in the order they started (a renewed window moves to the end), so expired
// ones are swept from the front as each request comes in, and when more callers than `maxCallers` are
// counted at once the oldest window is dropped: memory stays bounded whatever the number of callers.
import type { MiddlewareHandler } from "hono";
import { apiError } from "../errors.ts";
import { callerKey } from "./authenticate.ts";

/** How long a budget lasts: one minute, whichever adapter counts it. */
export const RATE_WINDOW_MS = 60_000;
/** Writes other than executes a caller may make a minute unless HAYMAKER_WRITE_LIMIT says otherwise. */
export const DEFAULT_WRITE_LIMIT_PER_MINUTE = 60;
/** Far above the callers one gateway sees in a minute; a dropped window only means a fresh budget. */
const DEFAULT_MAX_CALLERS = 10_000;

export interface RateDecision {
  allowed: boolean;
  remaining: number;
  /** Seconds until the caller's window ends and its budget is whole again. */
  resetSeconds: number;
}

/** One budget: how many requests a caller may make a minute, and the counting of them. */
export interface RateLimit {
  readonly perMinute: number;
  /** Counts one request of `caller`, unless its budget for this minute is spent. */
  take(caller: string): RateDecision | Promise<RateDecision>;
}

/** Makes the budget of one rate-limit class ("execute", "write"), each counted apart. */
export type RateLimits = (budget: string, perMinute: number) => RateLimit;

/** The local default: a budget per class, in this process's memory. */
export const inMemoryRateLimits: RateLimits = (_budget, perMinute) => new RateLimiter(perMinute);

export class RateLimiter implements RateLimit {
  readonly perMinute: number;
  readonly #now: () => number;
  readonly #maxCallers: number;
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(perMinute: number, options: { now?: () => number; maxCallers?: number } = {}) {
    this.perMinute = perMinute;
    this.#now = options.now ?? Date.now;
    this.#maxCallers = options.maxCallers ?? DEFAULT_MAX_CALLERS;
  }

  /** How many callers have a window open: what the limiter holds in memory. */
  get size(): number {
    return this.#windows.size;
  }

  /** Counts one request of `caller`, unless its budget for this minute is spent. */
  take(caller: string): RateDecision {
    const at = this.#now();
    this.#sweep(at);
    let window = this.#windows.get(caller);
    if (window === undefined) {
      window = { start: at, count: 0 };
      this.#windows.set(caller, window);
      if (this.#windows.size > this.#maxCallers) {
        this.#windows.delete(this.#windows.keys().next().value as string);
      }
    }
    const resetSeconds = Math.max(1, Math.ceil((window.start + RATE_WINDOW_MS - at) / 1000));
    if (window.count >= this.perMinute) return { allowed: false, remaining: 0, resetSeconds };
    window.count++;
    return { allowed: true, remaining: this.perMinute - window.count, resetSeconds };
  }

  /** Drops the windows that have ended; they are all at the front, the oldest first. */
  #sweep(at: number): void {
    for (const [caller, window] of this.#windows) {
      if (at - window.start < RATE_WINDOW_MS) return;
      this.#windows.delete(caller);
    }
  }
}

/** Answers 429 with Retry-After once the authenticated caller has spent its budget in `limiter`. */
export function rateLimit(limiter: RateLimit): MiddlewareHandler {
  return async (c, next) => {
    const { allowed, remaining, resetSeconds } = await limiter.take(callerKey(c));
    c.header("X-RateLimit-Limit", String(limiter.perMinute));
    c.header("X-RateLimit-Reset", String(resetSeconds));
    c.header("X-RateLimit-Remaining", String(remaining));
    if (!allowed) {
      c.header("Retry-After", String(resetSeconds));
      return apiError(
        c,
        429,
        "RateLimited",
        `At most ${limiter.perMinute} such requests a minute; try again in ${resetSeconds} s.`,
      );
    }
    await next();
  };
}
