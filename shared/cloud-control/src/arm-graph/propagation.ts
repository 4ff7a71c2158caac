// Retries a call that fails only because something new has not reached every Entra replica or Azure RBAC
// cache yet, with backoff, for at most the propagation window (HAYMAKER_PROPAGATION_WINDOW); after the
// window the failure is rethrown for what it says. A window of 0 means one attempt.
import { setTimeout as sleep } from "node:timers/promises";

export interface PropagationWindow {
  windowMs: number;
  /** Waits between attempts; tests shorten it. */
  wait?: (ms: number) => Promise<unknown>;
}

const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 15_000;

export async function retryWhilePropagating<T>(
  window: PropagationWindow,
  call: () => Promise<T>,
  propagating: (error: unknown) => boolean,
): Promise<T> {
  const wait = window.wait ?? sleep;
  const giveUpAt = Date.now() + window.windowMs;
  for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    try {
      return await call();
    } catch (error) {
      const left = giveUpAt - Date.now();
      if (!propagating(error) || left <= 0) throw error;
      await wait(Math.min(delay, left));
    }
  }
}
