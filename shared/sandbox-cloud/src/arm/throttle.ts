// ARM's request limits, as realism's `throttling` asks: each caller (principal) gets `requests` reads and
// `requests` writes per window; past that, 429 TooManyRequests with Retry-After until its window ends.
// Azure's own model ("Understand how Azure Resource Manager throttles requests") is a token bucket per
// principal that refills continuously, with separate read, write and delete limits, answering 429 with
// Retry-After and reporting what is left in x-ms-ratelimit-remaining-subscription-reads / -writes. A fixed
// window is the same shape made coarser and stricter: a caller that spends its budget waits for the whole
// window, never a fraction of it, so a client that ignores Retry-After is caught at once.
import type { Realism } from "../realism.ts";

export type ThrottleKind = "reads" | "writes";

export type ThrottleDecision =
  | { allowed: true; kind: ThrottleKind; remaining: number }
  | { allowed: false; kind: ThrottleKind; retryAfterSeconds: number };

const MAX_TRACKED = 1000;

interface Window {
  endsAt: number;
  used: number;
}

export class ArmThrottle {
  readonly #limits: Realism["throttling"];
  readonly #now: () => number;
  readonly #windows = new Map<string, Window>();

  constructor(limits: Realism["throttling"], now: () => number = Date.now) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Counts one request of `caller`; undefined when throttling is off. */
  take(caller: string, method: string): ThrottleDecision | undefined {
    const limits = this.#limits;
    if (limits === undefined) return undefined;
    const kind: ThrottleKind = method === "GET" || method === "HEAD" ? "reads" : "writes";
    const key = `${kind} ${caller.toLowerCase()}`;
    const now = this.#now();
    let window = this.#windows.get(key);
    if (window === undefined || now >= window.endsAt) {
      if (this.#windows.size >= MAX_TRACKED) this.#forgetEnded(now);
      window = { endsAt: now + limits.windowMs, used: 0 };
      this.#windows.set(key, window);
    }
    if (window.used >= limits.requests) {
      // Whole seconds, rounded up: asking again before the window ends would only be refused again.
      return {
        allowed: false,
        kind,
        retryAfterSeconds: Math.max(1, Math.ceil((window.endsAt - now) / 1000)),
      };
    }
    window.used++;
    return { allowed: true, kind, remaining: limits.requests - window.used };
  }

  /** A long-lived sandbox sees many short-lived agents: windows that have ended hold nothing worth keeping. */
  #forgetEnded(now: number): void {
    for (const [key, window] of this.#windows) if (now >= window.endsAt) this.#windows.delete(key);
  }
}

/** The header ARM uses to say how many requests of this kind the caller has left. */
export function remainingHeader(kind: ThrottleKind): string {
  return `x-ms-ratelimit-remaining-subscription-${kind}`;
}
