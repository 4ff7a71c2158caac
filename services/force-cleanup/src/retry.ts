// Short, SDK-style retries of one cloud call inside a handler: a conflict (a delete still settling), a
// throttle or a server hiccup usually clears within seconds, and retrying here keeps one slow resource from
// sending the whole cleanup back to the bus. They are bounded well under the message lock: long waits
// belong to the bus (the handler throws and the message comes back with backoff), never to a sleep here.
import { CloudControlError } from "@haymaker/cloud-control";

export interface RetryPolicy {
  /** Calls in all, the first included. */
  attempts: number;
  /** The first wait; each further wait doubles, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The most the waits of one call may add up to; a wait that would pass it is not made. */
  budgetMs: number;
  /** Replaceable so tests can see the waits without making them. */
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); jitter spreads the retries of calls that failed together. */
  random?: () => number;
}

/** About 1, 2, 4, 8 s between five attempts, never more than 12 s of waiting in all. */
export const CLOUD_RETRIES: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 8000,
  budgetMs: 12_000,
};

/** 409, 429, 5xx and network failures: worth another try. 404 and the other 4xx are answers. */
export function isRetryable(error: unknown): error is CloudControlError {
  return error instanceof CloudControlError && error.retryable;
}

export async function withRetries<T>(call: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = policy.random ?? Math.random;
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isRetryable(error) || attempt >= policy.attempts) throw error;
      const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      // "Equal jitter": at least half the exponential wait, so retries still back off.
      const jittered = exponential / 2 + random() * (exponential / 2);
      // The server's Retry-After is a floor: asking again sooner is just another 429.
      const delay = Math.max(jittered, error.retryAfterMs ?? 0);
      if (waited + delay > policy.budgetMs) throw error;
      waited += delay;
      await sleep(delay);
    }
  }
}
