// Waiting that a stop request can cut short.
import { setTimeout as delay } from "node:timers/promises";

/** Waits `ms`; resolves true when the wait ran its course, false when `signal` ended it early. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return false;
  if (ms <= 0) return true;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch (error) {
    if ((error as Error).name === "AbortError") return false;
    throw error;
  }
}
